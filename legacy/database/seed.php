<?php
// php legacy/database/seed.php [--orders=10000] [--seed=1]
// Adds historic orders (with 1–5 items each) to LEGACY_DB_NAME, created over
// the past two years, with the status mix of a shop that has been running a
// while: old orders mostly complete, some canceled (spelled "cancelled" when
// more than 400 days ago, as the older release wrote it), a few refunded ("closed"), some
// stale pending ones; recent orders still pending/processing/holded; about
// 0.5 % soft-deleted. Deterministic for a given --seed and clock day. Bulk
// inserts of 1,000 orders per statement and transaction; prints orders/s.

declare(strict_types=1);

require __DIR__ . '/../app/Config.php';
require __DIR__ . '/../app/Database.php';
require __DIR__ . '/../app/Decimal.php';

const BATCH = 1000;
const DAY = 86400;
const OLD_SPELLING_DAYS = 400;  // the release that wrote "cancelled" was replaced then
const CURRENCIES = ['EUR' => 80, 'USD' => 12, 'GBP' => 6, 'CHF' => 2];
const OLD_MIX = ['complete' => 78, 'canceled' => 11, 'closed' => 6, 'pending' => 2, 'processing' => 2, 'holded' => 1];
const RECENT_MIX = ['pending' => 25, 'processing' => 30, 'complete' => 30, 'canceled' => 8, 'holded' => 5, 'closed' => 2];

$options = getopt('', ['orders::', 'seed::']) + ['orders' => '10000', 'seed' => '1'];
$count = (int) $options['orders'];
mt_srand((int) $options['seed']);
$config = Config::fromEnv();
$zone = new DateTimeZone($config->timezone);
$db = Database::connect($config);

/** @param array<string, int> $weights */
function pick(array $weights): string
{
    $roll = mt_rand(1, array_sum($weights));
    foreach ($weights as $value => $weight) {
        if (($roll -= $weight) <= 0) {
            return (string) $value;
        }
    }
    throw new LogicException('unreachable');
}

function local(int $unix, DateTimeZone $zone): string
{
    return (new DateTimeImmutable('@' . $unix))->setTimezone($zone)->format('Y-m-d H:i:s');
}

/** @return array{0: list<mixed>, 1: list<list<mixed>>} one order's row values and its items' */
function historic_order(int $id, int $itemId, int $now, DateTimeZone $zone): array
{
    $created = $now - mt_rand(60, 730 * DAY);
    $recent = $now - $created < 30 * DAY;
    $status = pick($recent ? RECENT_MIX : OLD_MIX);
    $age = match ($status) {
        'pending' => 0,
        'processing', 'holded' => mt_rand(60, 2 * DAY),
        'canceled' => mt_rand(60, 3 * DAY),
        'complete' => mt_rand(DAY, 10 * DAY),
        'closed' => mt_rand(5 * DAY, 40 * DAY),
    };
    $updatedUnix = min($created + $age, $now);
    [$createdAt, $updatedAt] = [local($created, $zone), local($updatedUnix, $zone)];
    if ($status === 'canceled' && $now - $updatedUnix > OLD_SPELLING_DAYS * DAY) {
        $status = 'cancelled';
    }
    $deletedAt = mt_rand(1, 200) === 1 ? local(min($updatedUnix + mt_rand(DAY, 30 * DAY), $now), $zone) : null;
    $items = [];
    $subTotal = 0;
    for ($n = mt_rand(1, 5); $n > 0; $n--) {
        $product = mt_rand(1, 500);
        $price = 100 * (($product * 7919) % 299 + 1) - 1;  // cents: 0.99 .. 298.99, fixed per product
        $qty = mt_rand(1, 10) <= 8 ? 1 : mt_rand(2, 4);
        $subTotal += $price * $qty;
        $items[] = [$itemId++, $id, sprintf('SKU-%05d', $product), "Product $product", $qty,
            Decimal::fromUnits($price * 100), Decimal::fromUnits($price * $qty * 100), $createdAt, $createdAt];
    }
    $total = Decimal::fromUnits($subTotal * 100);
    $order = [$id, (string) (100000000 + $id), mt_rand(1, 2000), $status, pick(CURRENCIES),
        $total, $total, $createdAt, $updatedAt, $deletedAt];
    return [$order, $items];
}

/** @param list<list<mixed>> $rows */
function insert(PDO $db, string $table, array $columns, array $rows): void
{
    $row = '(' . implode(', ', array_fill(0, count($columns), '?')) . ')';
    $sql = "INSERT INTO $table (" . implode(', ', $columns) . ') VALUES '
        . implode(', ', array_fill(0, count($rows), $row));
    $db->prepare($sql)->execute(array_merge(...$rows));
}

$started = microtime(true);
$orderId = (int) $db->query('SELECT COALESCE(MAX(id), 0) FROM orders')->fetchColumn() + 1;
$itemId = (int) $db->query('SELECT COALESCE(MAX(id), 0) FROM order_items')->fetchColumn() + 1;
$now = time();
$itemCount = 0;
$statuses = [];
for ($done = 0; $done < $count; $done += BATCH) {
    [$orders, $items] = [[], []];
    for ($i = 0; $i < min(BATCH, $count - $done); $i++) {
        [$order, $orderItems] = historic_order($orderId++, $itemId, $now, $zone);
        $itemId += count($orderItems);
        $orders[] = $order;
        array_push($items, ...$orderItems);
        $statuses[$order[3]] = ($statuses[$order[3]] ?? 0) + 1;
    }
    $db->beginTransaction();
    insert($db, 'orders', ['id', 'increment_id', 'customer_id', 'status', 'currency_code',
        'sub_total', 'grand_total', 'created_at', 'updated_at', 'deleted_at'], $orders);
    insert($db, 'order_items', ['id', 'order_id', 'sku', 'name', 'qty', 'price', 'row_total',
        'created_at', 'updated_at'], $items);
    $db->commit();
    $itemCount += count($items);
}
$seconds = microtime(true) - $started;
ksort($statuses);
echo json_encode([
    'orders' => $count,
    'items' => $itemCount,
    'seconds' => round($seconds, 3),
    'orders_per_second' => $count > 0 ? (int) round($count / $seconds) : 0,
    'statuses' => $statuses,
]), "\n";
