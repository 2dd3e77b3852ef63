-- psql -f scripts/reload_products.sql, run by ops after a supplier re-sends the catalog
BEGIN;
TRUNCATE products;
COPY products FROM '/srv/feeds/products.csv' WITH (FORMAT csv, HEADER); -- depmap-expect: copy-without-columns breaking
COPY products (sku, name, price_cents) FROM '/srv/feeds/extra_products.csv' WITH (FORMAT csv);
COMMIT;
