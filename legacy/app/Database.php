<?php
// The PDO connection, set up the way Laravel's MySQL connector does it, plus
// time_zone '+00:00' so TIMESTAMP columns keep the local wall-clock time we
// write (the app, not the server, decides what "now" is: LEGACY_TZ).

declare(strict_types=1);

final class Database
{
    public const SQL_MODE = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,'
        . 'NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

    public static function connect(Config $config, bool $selectDatabase = true): PDO
    {
        $dsn = sprintf('mysql:host=%s;port=%d;charset=utf8mb4', $config->dbHost, $config->dbPort);
        if ($selectDatabase) {
            $dsn .= ';dbname=' . $config->dbName;
        }
        $pdo = new PDO($dsn, $config->dbUser, $config->dbPassword, [
            PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
            PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
        ]);
        $pdo->exec("SET time_zone = '+00:00', sql_mode = '" . self::SQL_MODE . "'");
        return $pdo;
    }

    /** The local wall-clock time the app stamps rows with ("2026-11-26 14:03:00"). */
    public static function now(Config $config): string
    {
        return (new DateTimeImmutable('now', new DateTimeZone($config->timezone)))
            ->format('Y-m-d H:i:s');
    }
}
