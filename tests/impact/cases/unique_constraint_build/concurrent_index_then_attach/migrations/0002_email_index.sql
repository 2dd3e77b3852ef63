-- outside a transaction: the runner applies this file with autocommit
CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);
