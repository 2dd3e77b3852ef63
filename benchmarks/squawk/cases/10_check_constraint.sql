ALTER TABLE orders ADD COLUMN discount numeric(12, 2) CHECK (discount >= 0);
