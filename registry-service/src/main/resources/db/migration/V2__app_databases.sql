-- App databases as the API serves them: per environment, with the login that currently opens them (it changes
-- with zero-downtime rotation), idempotent creates and an audit trail of credential reveals.
ALTER TABLE app_databases
    ADD COLUMN environment      TEXT NOT NULL DEFAULT 'production',
    ADD COLUMN login_role       TEXT,
    ADD COLUMN connection_limit INTEGER,
    ADD COLUMN sslmode          TEXT NOT NULL DEFAULT 'prefer',
    ADD COLUMN updated_at       TIMESTAMPTZ NOT NULL DEFAULT now();

-- One live database per app, environment and instance; detached ones no longer count.
CREATE UNIQUE INDEX app_databases_one_per_app ON app_databases (instance_id, app, environment)
    WHERE status IN ('pending', 'ready', 'deleting');
CREATE UNIQUE INDEX app_databases_role ON app_databases (instance_id, role_name);
CREATE INDEX app_databases_listing ON app_databases (created_at, id);

CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request_hash TEXT        NOT NULL,
    database_id  UUID        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE audit_events (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor      TEXT        NOT NULL,
    action     TEXT        NOT NULL,
    subject    TEXT        NOT NULL
);
