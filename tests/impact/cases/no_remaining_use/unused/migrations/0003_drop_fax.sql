SET lock_timeout = '5s';
ALTER TABLE customers DROP COLUMN fax;  -- depmap-expect: no-remaining-use info
