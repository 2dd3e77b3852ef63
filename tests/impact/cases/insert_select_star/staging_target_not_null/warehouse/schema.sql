CREATE TABLE staging_events (event_id uuid, user_id bigint, name text, occurred_at timestamptz);
CREATE TABLE raw_events (event_id uuid PRIMARY KEY, user_id bigint, name text, occurred_at timestamptz);
