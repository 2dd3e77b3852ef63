-- InnoDB builds a secondary index in place, with concurrent DML
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
