CREATE TABLE analytics.events (
    event_name STRING NOT NULL,
    user_id STRING,
    occurred_at TIMESTAMP NOT NULL
);
