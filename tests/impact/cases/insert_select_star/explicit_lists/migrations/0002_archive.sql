INSERT INTO orders_archive SELECT * FROM orders WHERE status = 'cancelled';
