SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN priority integer;
ALTER TABLE orders ADD CONSTRAINT orders_priority_range CHECK (priority BETWEEN 0 AND 9) NOT VALID;
