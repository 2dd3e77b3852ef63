CREATE TABLE stock_levels (
    sku VARCHAR(32) NOT NULL,
    warehouse_id INT NOT NULL,
    on_hand INT NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (sku, warehouse_id)
);
