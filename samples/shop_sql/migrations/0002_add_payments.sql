-- 0002_add_payments: card payments and shipments.

CREATE TABLE payments (
    id            bigserial PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES orders (id),
    provider      text NOT NULL,
    provider_ref  text NOT NULL,
    amount_cents  integer NOT NULL,
    status        text NOT NULL DEFAULT 'authorized',
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- webhooks may be delivered more than once
    UNIQUE (provider, provider_ref)
);

CREATE TABLE shipments (
    id               bigserial PRIMARY KEY,
    order_id         bigint NOT NULL REFERENCES orders (id),
    carrier          text NOT NULL,
    tracking_number  text,
    shipped_at       timestamptz,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Set when the payment is captured; NULL for unpaid orders.
ALTER TABLE orders ADD COLUMN paid_at timestamptz;
