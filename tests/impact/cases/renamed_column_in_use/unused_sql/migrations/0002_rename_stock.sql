ALTER TABLE products RENAME COLUMN stock TO stock_on_hand;
