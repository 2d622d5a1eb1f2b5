<?php
// php legacy/database/migrate.php [--fresh | --drop]
//   (no option)  create the database LEGACY_DB_NAME if missing and the tables
//                of schema.sql if missing (safe to rerun)
//   --fresh      drop the tables first (every order is lost)
//   --drop       drop the whole database and stop
// Connection settings: the same LEGACY_DB_* variables as the app.

declare(strict_types=1);

require __DIR__ . '/../app/Config.php';
require __DIR__ . '/../app/Database.php';

$config = Config::fromEnv();
$option = $argv[1] ?? '';
if (!in_array($option, ['', '--fresh', '--drop'], true)) {
    fwrite(STDERR, "usage: php migrate.php [--fresh | --drop]\n");
    exit(2);
}
$quoted = '`' . str_replace('`', '``', $config->dbName) . '`';
$server = Database::connect($config, selectDatabase: false);
if ($option === '--drop') {
    $server->exec("DROP DATABASE IF EXISTS $quoted");
    echo "dropped database {$config->dbName}\n";
    exit(0);
}
$server->exec("CREATE DATABASE IF NOT EXISTS $quoted CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
$db = Database::connect($config);
if ($option === '--fresh') {
    $db->exec('DROP TABLE IF EXISTS order_items, orders');
}
foreach (array_filter(array_map('trim', explode(';', (string) file_get_contents(__DIR__ . '/schema.sql')))) as $sql) {
    // Strip whole-line comments so a chunk of only comments is skipped.
    $sql = trim((string) preg_replace('/^--.*$/m', '', $sql));
    if ($sql !== '') {
        $db->exec($sql);
    }
}
echo "migrated database {$config->dbName}\n";
