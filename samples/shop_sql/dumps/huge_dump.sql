-- pg_dump --data-only excerpt taken for a support ticket; never commit these.
INSERT INTO customers VALUES (1, 'ada@example.com', 'Ada Lovelace', NULL, '2023-01-04 10:00:00+00', false, NULL);
INSERT INTO orders VALUES (1, 1, 'paid', 4200, 'EUR', '2023-01-04 10:05:00+00', '2023-01-04 10:05:00+00', NULL, '2023-01-04 10:06:00+00');
