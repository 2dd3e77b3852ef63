-- 0004_customer_marketing: newsletter consent.

-- Existing customers have not opted in.
ALTER TABLE customers ADD COLUMN marketing_opt_in boolean NOT NULL DEFAULT false;

-- When consent was given; NULL until then.
ALTER TABLE customers ADD COLUMN marketing_opt_in_at timestamptz;
