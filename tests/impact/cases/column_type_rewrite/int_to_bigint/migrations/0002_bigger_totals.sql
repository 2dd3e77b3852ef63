SET lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;  -- depmap-expect: column-type-rewrite warning
