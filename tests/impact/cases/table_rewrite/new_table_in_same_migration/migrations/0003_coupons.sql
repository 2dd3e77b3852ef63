CREATE TABLE coupons (
    id     bigserial PRIMARY KEY,
    code   text NOT NULL UNIQUE,
    off_pct integer NOT NULL CHECK (off_pct BETWEEN 1 AND 90)
);
ALTER TABLE coupons ADD COLUMN expires_at timestamptz DEFAULT clock_timestamp();
