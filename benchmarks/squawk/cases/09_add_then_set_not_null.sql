ALTER TABLE orders ADD COLUMN settlement_currency char(3);
UPDATE orders SET settlement_currency = 'EUR' WHERE settlement_currency IS NULL;
ALTER TABLE orders ALTER COLUMN settlement_currency SET NOT NULL;
