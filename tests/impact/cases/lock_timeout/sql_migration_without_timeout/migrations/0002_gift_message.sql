-- 0002: customers can add a gift message at checkout.
ALTER TABLE orders ADD COLUMN gift_message text;  -- depmap-expect: lock-timeout warning
