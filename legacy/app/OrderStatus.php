<?php
// The order statuses of the legacy shop (Magento's spellings, as the shop
// started on Magento before it moved to Laravel) and which changes
// PATCH /api/orders/{id}/status allows.
//
// "holded" is Magento's "on hold". "closed" means refunded. "canceled" is
// what the app writes; older rows say "cancelled" (an older release
// wrote it), and PATCH still accepts that spelling and stores "canceled".

declare(strict_types=1);

final class OrderStatus
{
    public const PENDING = 'pending';
    public const PROCESSING = 'processing';
    public const HOLDED = 'holded';
    public const COMPLETE = 'complete';
    public const CLOSED = 'closed';
    public const CANCELED = 'canceled';
    public const CANCELLED_OLD_SPELLING = 'cancelled';

    /** status => statuses it may change to */
    public const TRANSITIONS = [
        self::PENDING => [self::PROCESSING, self::HOLDED, self::CANCELED],
        self::PROCESSING => [self::COMPLETE, self::HOLDED, self::CANCELED, self::CLOSED],
        self::HOLDED => [self::PENDING, self::PROCESSING, self::CANCELED],
        self::COMPLETE => [self::CLOSED],
        self::CLOSED => [],
        self::CANCELED => [],
        self::CANCELLED_OLD_SPELLING => [],
    ];

    /** Every spelling the status endpoint accepts (the `in:` rule). */
    public static function accepted(): string
    {
        return implode(',', array_keys(self::TRANSITIONS));
    }

    public static function normalise(string $status): string
    {
        return $status === self::CANCELLED_OLD_SPELLING ? self::CANCELED : $status;
    }

    public static function canChange(string $from, string $to): bool
    {
        return in_array($to, self::TRANSITIONS[$from] ?? [], true);
    }

    public static function isCanceled(string $status): bool
    {
        return $status === self::CANCELED || $status === self::CANCELLED_OLD_SPELLING;
    }
}
