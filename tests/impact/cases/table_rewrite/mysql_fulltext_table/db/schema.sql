CREATE TABLE articles (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    title      VARCHAR(255) NOT NULL,
    body       MEDIUMTEXT NOT NULL,
    published  DATETIME NULL
) ENGINE=InnoDB;

-- Site search (SEARCH-88): natural-language MATCH ... AGAINST on title and body.
ALTER TABLE articles ADD FULLTEXT INDEX articles_search (title, body);
