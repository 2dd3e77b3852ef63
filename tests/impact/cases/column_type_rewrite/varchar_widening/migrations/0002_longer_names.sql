SET lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN name TYPE varchar(64);
