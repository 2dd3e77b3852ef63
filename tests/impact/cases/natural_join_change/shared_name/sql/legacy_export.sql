-- Nightly export for the legacy ERP; erp_order_lines is created by the ERP's own installer.
SELECT * -- depmap-expect: natural-join-change warning
FROM orders NATURAL JOIN erp_order_lines;
