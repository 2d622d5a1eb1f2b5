<?php
// The order endpoints (routes in public/index.php). Each method returns
// [status, body]; errors are thrown as HttpError.

declare(strict_types=1);

final class OrderController
{
    public const PER_PAGE = 15;

    public function __construct(
        private readonly OrderRepository $orders,
        private readonly Config $config,
    ) {
    }

    /** POST /api/orders */
    public function store(array $input): array
    {
        $valid = Validator::validate($input, [
            'customer_id' => ['required', 'integer', 'min:1'],
            'currency' => ['required', 'string', 'alpha', 'size:3'],
            'items' => ['required', 'array', 'min:1'],
            'items.*.sku' => ['required', 'string', 'max:64'],
            'items.*.name' => ['required', 'string', 'max:255'],
            'items.*.qty' => ['required', 'integer', 'min:1', 'max:9999'],
            'items.*.price' => ['required', 'regex:' . Decimal::PATTERN],
        ]);
        $items = [];
        $subTotal = 0;
        foreach ($valid['items'] as $item) {
            $rowTotal = Decimal::toUnits((string) $item['price']) * (int) $item['qty'];
            $subTotal += $rowTotal;
            $items[] = [
                'sku' => $item['sku'],
                'name' => $item['name'],
                'qty' => (int) $item['qty'],
                'price' => Decimal::fromUnits(Decimal::toUnits((string) $item['price'])),
                'row_total' => Decimal::fromUnits($rowTotal),
            ];
        }
        $order = $this->orders->create(
            (int) $valid['customer_id'],
            strtoupper($valid['currency']),
            Decimal::fromUnits($subTotal),
            $items,
            Database::now($this->config),
        );
        return [201, $order];
    }

    /** GET /api/orders/{order} */
    public function show(string $id): array
    {
        return [200, $this->orders->findOrFail($id)];
    }

    /** GET /api/orders?customer_id=&status=&page= */
    public function index(array $query, string $path): array
    {
        $filters = [];
        foreach (['customer_id', 'status'] as $key) {
            if (isset($query[$key]) && is_string($query[$key]) && $query[$key] !== '') {
                $filters[$key] = $query[$key];
            }
        }
        $page = filter_var($query['page'] ?? 1, FILTER_VALIDATE_INT);
        $page = $page === false || $page < 1 ? 1 : $page;
        [$total, $rows] = $this->orders->page($filters, $page, self::PER_PAGE);
        return [200, Paginator::toArray($rows, $total, self::PER_PAGE, $page, $path)];
    }

    /**
     * POST /api/orders/{order}/cancel. Canceling a canceled order answers 200
     * and changes nothing; complete or closed orders cannot be canceled.
     */
    public function cancel(string $id): array
    {
        $order = $this->orders->findOrFail($id);
        if (OrderStatus::isCanceled($order['status'])) {
            return [200, $order];
        }
        if (!OrderStatus::canChange($order['status'], OrderStatus::CANCELED)) {
            throw HttpError::validation([
                'status' => ["An order in status {$order['status']} cannot be canceled."],
            ]);
        }
        return $this->changeStatus($order, OrderStatus::CANCELED);
    }

    /** PATCH /api/orders/{order}/status with {"status": ...} */
    public function updateStatus(string $id, array $input): array
    {
        $order = $this->orders->findOrFail($id);
        $valid = Validator::validate($input, [
            'status' => ['required', 'string', 'in:' . OrderStatus::accepted()],
        ]);
        $status = OrderStatus::normalise($valid['status']);
        if ($status === $order['status']) {
            return [200, $order];  // nothing dirty: Eloquent does not even touch updated_at
        }
        if (!OrderStatus::canChange($order['status'], $status)) {
            throw HttpError::validation([
                'status' => ["The status cannot change from {$order['status']} to $status."],
            ]);
        }
        return $this->changeStatus($order, $status);
    }

    /** DELETE /api/orders/{order}: a soft delete, 204 with no body. */
    public function destroy(string $id): array
    {
        $order = $this->orders->findOrFail($id);
        $this->orders->softDelete((int) $order['id'], Database::now($this->config));
        return [204, null];
    }

    private function changeStatus(array $order, string $status): array
    {
        $now = Database::now($this->config);
        $this->orders->setStatus((int) $order['id'], $status, $now);
        $order['status'] = $status;
        $order['updated_at'] = $now;
        return [200, $order];
    }
}
