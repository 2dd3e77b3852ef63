BEGIN;

ALTER TABLE customers ADD COLUMN loyalty_tier text;

-- customer_directory froze its columns in 0002: recreate it so the CRM sees the tier.
CREATE OR REPLACE VIEW customer_directory AS SELECT * FROM customers;

COMMIT;
