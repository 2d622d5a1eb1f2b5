<?php
// Settings from the environment, read once per request (php -S forks nothing:
// each request runs this file again, which is cheap).

declare(strict_types=1);

final class Config
{
    public function __construct(
        public readonly string $dbHost,
        public readonly int $dbPort,
        public readonly string $dbName,
        public readonly string $dbUser,
        public readonly string $dbPassword,
        public readonly string $timezone,
        public readonly string $apiToken,
    ) {
    }

    public static function fromEnv(): self
    {
        $env = static fn (string $key, string $default): string =>
            ($value = getenv($key)) === false || $value === '' ? $default : $value;

        return new self(
            dbHost: $env('LEGACY_DB_HOST', '127.0.0.1'),
            dbPort: (int) $env('LEGACY_DB_PORT', '3306'),
            dbName: $env('LEGACY_DB_NAME', 'legacy_shop'),
            dbUser: $env('LEGACY_DB_USER', 'root'),
            dbPassword: (string) getenv('LEGACY_DB_PASSWORD'),
            timezone: $env('LEGACY_TZ', 'Europe/Berlin'),
            // No default: without a token every API call answers 401.
            apiToken: (string) getenv('LEGACY_API_TOKEN'),
        );
    }
}
