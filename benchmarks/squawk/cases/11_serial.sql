ALTER TABLE orders ADD COLUMN legacy_number bigserial;
