-- The CRM's customer list: every column, on purpose.
CREATE VIEW customer_directory AS SELECT * FROM customers;
