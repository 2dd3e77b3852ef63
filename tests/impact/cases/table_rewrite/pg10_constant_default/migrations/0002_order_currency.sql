-- 0002: multi-currency checkout (ticket SHOP-412).
BEGIN;
ALTER TABLE orders  -- depmap-expect: table-rewrite breaking
    ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';
COMMIT;
