-- The legacy order tables, as Laravel's migrations would have made them
-- (`$table->id()`, `$table->timestamps()`, `$table->softDeletes()`).
-- Timestamps are TIMESTAMP columns holding the app's LOCAL wall-clock time
-- (LEGACY_TZ): every connection sets time_zone = '+00:00' so MariaDB stores
-- and returns them unconverted. A writer that forgets that shifts them.

CREATE TABLE IF NOT EXISTS orders (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    increment_id  VARCHAR(32)     NULL,
    customer_id   BIGINT UNSIGNED NOT NULL,
    status        VARCHAR(32)     NOT NULL DEFAULT 'pending',
    currency_code CHAR(3)         NOT NULL,
    sub_total     DECIMAL(12, 4)  NOT NULL DEFAULT 0,
    grand_total   DECIMAL(12, 4)  NOT NULL DEFAULT 0,
    created_at    TIMESTAMP       NULL DEFAULT NULL,
    updated_at    TIMESTAMP       NULL DEFAULT NULL,
    deleted_at    TIMESTAMP       NULL DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY orders_increment_id_unique (increment_id),
    KEY orders_customer_id_index (customer_id),
    KEY orders_status_index (status),
    KEY orders_created_at_index (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS order_items (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id   BIGINT UNSIGNED NOT NULL,
    sku        VARCHAR(64)     NOT NULL,
    name       VARCHAR(255)    NOT NULL,
    qty        INT             NOT NULL,
    price      DECIMAL(12, 4)  NOT NULL,
    row_total  DECIMAL(12, 4)  NOT NULL,
    created_at TIMESTAMP       NULL DEFAULT NULL,
    updated_at TIMESTAMP       NULL DEFAULT NULL,
    PRIMARY KEY (id),
    KEY order_items_order_id_foreign (order_id),
    CONSTRAINT order_items_order_id_foreign FOREIGN KEY (order_id)
        REFERENCES orders (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
