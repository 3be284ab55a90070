-- Figures of every app database over time (size, connections, the transaction counter), one row per database per
-- sample (every minute by default), kept for 14 days by default: the dashboard's charts and the list's size column.
CREATE TABLE database_samples (
    database_id   UUID        NOT NULL REFERENCES app_databases (id) ON DELETE CASCADE,
    at            TIMESTAMPTZ NOT NULL,
    size_bytes    BIGINT      NOT NULL,
    connections   INTEGER     NOT NULL,
    transactions  BIGINT      NOT NULL,
    PRIMARY KEY (database_id, at)
);
CREATE INDEX database_samples_at ON database_samples (at);
