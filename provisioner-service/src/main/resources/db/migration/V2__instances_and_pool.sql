-- How the provisioner reaches each instance as its admin (the password is sealed in vault_secrets with
-- owner_kind 'instance', purpose 'admin'), and the warm pool of pre-created databases.
CREATE TABLE instance_endpoints (
    instance_id UUID PRIMARY KEY,
    host        TEXT    NOT NULL,
    port        INTEGER NOT NULL,
    admin_user  TEXT    NOT NULL,
    sslmode     TEXT    NOT NULL DEFAULT 'prefer',
    pool_size   INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE pool_databases (
    instance_id   UUID        NOT NULL,
    database_name TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, database_name)
);

-- Which login role currently serves each database (changes with zero-downtime rotation), and the role
-- waiting to be retired after its grace period.
CREATE TABLE database_logins (
    database_id      UUID PRIMARY KEY,
    instance_id      UUID        NOT NULL,
    database_name    TEXT        NOT NULL,
    owner_role       TEXT        NOT NULL,
    login_role       TEXT        NOT NULL,
    connection_limit INTEGER,
    retiring_role    TEXT,
    retire_after     TIMESTAMPTZ,
    generation       INTEGER     NOT NULL DEFAULT 1
);
CREATE INDEX database_logins_retiring ON database_logins (retire_after) WHERE retiring_role IS NOT NULL;

-- A create remembers what it is about to make, so a crash mid-way can be compensated at the next start.
ALTER TABLE provisioning_operations
    ADD COLUMN instance_id UUID,
    ADD COLUMN database_id UUID,
    ADD COLUMN role_name   TEXT;
