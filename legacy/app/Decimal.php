<?php
// Money as the legacy app keeps it: DECIMAL(12,4) columns, sent as strings
// with four places ("19.9900"). Arithmetic is done in integer ten-thousandths
// so that 0.1 * 3 is exactly "0.3000" (no bcmath needed, no floats).

declare(strict_types=1);

final class Decimal
{
    /** What the API accepts as a price: up to 8 digits, up to 4 decimals. */
    public const PATTERN = '/^\d{1,8}(\.\d{1,4})?$/';

    /** "19.99" => 199900 (call only with a value matching PATTERN). */
    public static function toUnits(string $value): int
    {
        [$whole, $fraction] = array_pad(explode('.', $value, 2), 2, '');
        return (int) $whole * 10000 + (int) str_pad($fraction, 4, '0');
    }

    /** 199900 => "19.9900" */
    public static function fromUnits(int $units): string
    {
        return sprintf('%d.%04d', intdiv($units, 10000), $units % 10000);
    }
}
