SET lock_timeout = '5s';
UPDATE orders SET total = 0 WHERE total IS NULL;
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;  -- depmap-expect: not-null-scan warning
