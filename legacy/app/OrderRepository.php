<?php
// Every SQL statement of the app. Soft-deleted orders are invisible to all of
// them, as Eloquent's SoftDeletes scope makes them.

declare(strict_types=1);

final class OrderRepository
{
    public const MODEL = 'App\\Models\\Order';

    public function __construct(private readonly PDO $db)
    {
    }

    /**
     * The order with its items, or 404 as route-model binding answers. The id
     * is compared as MySQL does (`WHERE id = '7abc'` finds order 7).
     *
     * @return array<string, mixed>
     */
    public function findOrFail(string $id): array
    {
        $select = $this->db->prepare('SELECT * FROM orders WHERE id = ? AND deleted_at IS NULL LIMIT 1');
        $select->execute([$id]);
        $order = $select->fetch();
        if ($order === false) {
            throw HttpError::modelNotFound(self::MODEL, $id);
        }
        $order['items'] = $this->items((int) $order['id']);
        return $order;
    }

    /** @return list<array<string, mixed>> */
    public function items(int $orderId): array
    {
        $select = $this->db->prepare('SELECT * FROM order_items WHERE order_id = ? ORDER BY id');
        $select->execute([$orderId]);
        return $select->fetchAll();
    }

    /**
     * Insert an order and its items in one transaction. Returns the order the
     * way Eloquent's create() leaves the model: only the attributes that were
     * set, in the order they were set, then the id and increment_id (no
     * deleted_at, nothing re-read from the database), and the items loaded.
     *
     * @param list<array{sku: string, name: string, qty: int, price: string, row_total: string}> $items
     * @return array<string, mixed>
     */
    public function create(int $customerId, string $currency, string $subTotal, array $items, string $now): array
    {
        $this->db->beginTransaction();
        try {
            $order = [
                'customer_id' => $customerId,
                'currency_code' => $currency,
                'status' => OrderStatus::PENDING,
                'sub_total' => $subTotal,
                'grand_total' => $subTotal,
                'updated_at' => $now,
                'created_at' => $now,
            ];
            $this->db->prepare(
                'INSERT INTO orders (customer_id, currency_code, status, sub_total, grand_total, updated_at, created_at)'
                . ' VALUES (?, ?, ?, ?, ?, ?, ?)'
            )->execute(array_values($order));
            $order['id'] = (int) $this->db->lastInsertId();
            $order['increment_id'] = (string) (100000000 + $order['id']);
            $this->db->prepare('UPDATE orders SET increment_id = ? WHERE id = ?')
                ->execute([$order['increment_id'], $order['id']]);
            $insertItem = $this->db->prepare(
                'INSERT INTO order_items (order_id, sku, name, qty, price, row_total, created_at, updated_at)'
                . ' VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
            );
            foreach ($items as $item) {
                $insertItem->execute([
                    $order['id'], $item['sku'], $item['name'], $item['qty'],
                    $item['price'], $item['row_total'], $now, $now,
                ]);
            }
            $this->db->commit();
        } catch (Throwable $error) {
            $this->db->rollBack();
            throw $error;
        }
        $order['items'] = $this->items($order['id']);
        return $order;
    }

    /**
     * One page of orders, newest first, without their items.
     *
     * @param array{customer_id?: string, status?: string} $filters
     * @return array{0: int, 1: list<array<string, mixed>>} total and rows
     */
    public function page(array $filters, int $page, int $perPage): array
    {
        $where = 'deleted_at IS NULL';
        $params = [];
        foreach ($filters as $column => $value) {
            $where .= " AND $column = ?";
            $params[] = $value;
        }
        $count = $this->db->prepare("SELECT COUNT(*) FROM orders WHERE $where");
        $count->execute($params);
        $total = (int) $count->fetchColumn();
        $offset = ($page - 1) * $perPage;
        $select = $this->db->prepare(
            "SELECT * FROM orders WHERE $where ORDER BY created_at DESC, id DESC LIMIT $perPage OFFSET $offset"
        );
        $select->execute($params);
        return [$total, $select->fetchAll()];
    }

    public function setStatus(int $id, string $status, string $now): void
    {
        $this->db->prepare('UPDATE orders SET status = ?, updated_at = ? WHERE id = ?')
            ->execute([$status, $now, $id]);
    }

    public function softDelete(int $id, string $now): void
    {
        $this->db->prepare('UPDATE orders SET deleted_at = ?, updated_at = ? WHERE id = ?')
            ->execute([$now, $now, $id]);
    }
}
