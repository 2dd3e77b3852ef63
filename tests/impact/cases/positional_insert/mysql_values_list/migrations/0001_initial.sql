CREATE TABLE audit_log (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    entity VARCHAR(32) NOT NULL,
    entity_id BIGINT NOT NULL,
    action VARCHAR(32) NOT NULL,
    logged_at DATETIME NOT NULL
);

CREATE TABLE login_attempts (user_id BIGINT, ip VARCHAR(45), attempted_at DATETIME);

-- Applied long ago, before the new column exists: not affected.
INSERT INTO audit_log VALUES (NULL, 'system', 0, 'bootstrap', NOW());
