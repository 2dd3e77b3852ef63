ALTER TABLE notes ADD CONSTRAINT notes_author_fk FOREIGN KEY (author_id) REFERENCES authors (id);  -- depmap-expect: validating-constraint breaking
