CREATE TABLE payments (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL,
    amount_cents integer NOT NULL,
    provider text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE legacy_payments (
    ref bigint,
    order_ref bigint,
    cents integer,
    gateway text,
    paid_on timestamptz
);
