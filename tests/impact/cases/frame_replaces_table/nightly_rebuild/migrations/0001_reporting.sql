CREATE TABLE order_totals (
    day date PRIMARY KEY,
    orders integer NOT NULL,
    total_cents bigint NOT NULL
);

CREATE TABLE customer_totals (
    customer_id bigint PRIMARY KEY,
    total_cents bigint NOT NULL
);
