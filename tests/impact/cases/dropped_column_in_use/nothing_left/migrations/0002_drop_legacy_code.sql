-- The ERP import is gone: nothing reads legacy_code any more.
SET lock_timeout = '5s';
ALTER TABLE products DROP COLUMN legacy_code;
