ALTER TABLE customers ADD COLUMN referral_code text UNIQUE;
