-- Run by hand when the gateway replays a day.
BEGIN;
INSERT INTO payments VALUES (DEFAULT, 1001, 2500, 'replay', now()); -- depmap-expect: positional-insert warning
INSERT INTO payments (order_id, amount_cents, provider) VALUES (1002, 900, 'replay');
COMMIT;
