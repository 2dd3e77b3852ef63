-- Nightly export for the legacy ERP; erp_order_lines is created by the ERP's own installer.
SELECT *
FROM orders NATURAL JOIN erp_order_lines;  -- depmap-expect: natural-join-change warning
