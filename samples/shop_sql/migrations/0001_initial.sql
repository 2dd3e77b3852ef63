-- 0001_initial: core tables for the Acme shop.
-- Applied by `acme-migrate` in file-name order, each file in one transaction.

CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    full_name   text NOT NULL,
    phone       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id           bigserial PRIMARY KEY,
    sku          text NOT NULL UNIQUE,
    name         text NOT NULL,
    description  text,
    price_cents  integer NOT NULL CHECK (price_cents >= 0),
    stock        integer NOT NULL DEFAULT 0,
    legacy_code  varchar(32),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Orders start as 'pending' and move through the states in the CHECK below.
CREATE TABLE orders (
    id           bigserial PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id),
    status       text NOT NULL DEFAULT 'pending',
    total_cents  integer NOT NULL DEFAULT 0,
    currency     char(3) NOT NULL DEFAULT 'EUR',
    placed_at    timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz,
    CONSTRAINT orders_status_check
        CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled'))
);

CREATE TABLE order_items (
    id                bigserial PRIMARY KEY,
    order_id          bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id        bigint NOT NULL REFERENCES products (id),
    quantity          integer NOT NULL CHECK (quantity > 0),
    unit_price_cents  integer NOT NULL
);

-- Append-only trail written by the application; no primary key on purpose.
CREATE TABLE audit_log (
    entity     text NOT NULL,
    entity_id  bigint NOT NULL,
    action     text NOT NULL,
    logged_at  timestamptz NOT NULL DEFAULT now()
);
