SET lock_timeout = '2s';
CREATE INDEX customers_email_idx ON customers (email);
