CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, total_cents INTEGER NOT NULL);
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE order_totals (customer_id INTEGER, total_cents INTEGER);
CREATE TABLE orders_archive (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT, total_cents INTEGER);
