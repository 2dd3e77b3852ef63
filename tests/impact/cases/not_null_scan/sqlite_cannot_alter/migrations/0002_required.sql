ALTER TABLE notes ALTER COLUMN body SET NOT NULL;  -- depmap-expect: not-null-scan breaking
