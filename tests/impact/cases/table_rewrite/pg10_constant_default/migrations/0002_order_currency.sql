-- 0002: multi-currency checkout (ticket SHOP-412).
BEGIN;
ALTER TABLE orders
    ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';  -- depmap-expect: table-rewrite breaking
COMMIT;
