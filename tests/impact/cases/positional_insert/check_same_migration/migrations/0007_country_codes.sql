INSERT INTO countries VALUES ('NL', 'Netherlands');

ALTER TABLE countries ADD COLUMN iso_numeric CHAR(3) NULL;

INSERT INTO countries VALUES ('BE', 'Belgium'); -- depmap-expect: positional-insert breaking
INSERT INTO countries (code, name, iso_numeric) VALUES ('LU', 'Luxembourg', '442');
