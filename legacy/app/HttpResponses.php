<?php
// JSON responses and the error answers a Laravel app gives, with Laravel's
// encoding kept: json_encode with no flags, so "/" is sent as "\/" and
// non-ASCII as "\u00e9".

declare(strict_types=1);

/** Thrown anywhere to answer with a status and a JSON body (Laravel's abort()). */
final class HttpError extends RuntimeException
{
    /** @param array<string, mixed> $body */
    public function __construct(public readonly int $status, public readonly array $body)
    {
        parent::__construct((string) ($body['message'] ?? ''));
    }

    public static function unauthenticated(): self
    {
        return new self(401, ['message' => 'Unauthenticated.']);
    }

    /** Route-model binding that found nothing (or found a soft-deleted row). */
    public static function modelNotFound(string $model, string $id): self
    {
        return new self(404, ['message' => "No query results for model [$model] $id"]);
    }

    public static function routeNotFound(string $path): self
    {
        return new self(404, ['message' => "The route $path could not be found."]);
    }

    /** @param list<string> $allowed */
    public static function methodNotAllowed(string $method, string $path, array $allowed): self
    {
        $list = implode(', ', $allowed);
        return new self(405, [
            'message' => "The $method method is not supported for route $path. Supported methods: $list.",
        ]);
    }

    /**
     * Laravel's ValidationException: the first message, "(and N more errors)",
     * and every message per field.
     *
     * @param array<string, list<string>> $errors
     */
    public static function validation(array $errors): self
    {
        $messages = array_merge(...array_values($errors));
        $message = $messages[0];
        $more = count($messages) - 1;
        if ($more > 0) {
            $message .= sprintf(' (and %d more %s)', $more, $more === 1 ? 'error' : 'errors');
        }
        return new self(422, ['message' => $message, 'errors' => $errors]);
    }
}

/** @param array<mixed>|null $body */
function send_json(int $status, ?array $body): void
{
    http_response_code($status);
    header('Cache-Control: no-cache, private');
    if ($body === null) {  // 204: no body, no content type (Laravel's noContent())
        return;
    }
    header('Content-Type: application/json');
    echo json_encode($body);
}
