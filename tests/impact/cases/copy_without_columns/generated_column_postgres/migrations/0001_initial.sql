CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, total_cents integer NOT NULL);
CREATE TABLE fx_rates (day date, currency char(3), rate numeric(12, 6));
COPY orders FROM '/srv/seed/orders.csv' WITH (FORMAT csv);
