CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(64) NOT NULL);
INSERT INTO countries VALUES ('FR', 'France'), ('DE', 'Germany');
