-- The registry's catalog: servers Berth can create databases on, the app databases on them, and the containers
-- Podman reported. Columns for credentials do not exist here: secrets live in the provisioner's vault.
CREATE TABLE instances (
    id          UUID PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    engine      TEXT        NOT NULL CHECK (engine IN ('postgresql', 'mariadb', 'mysql', 'redis', 'mongodb')),
    host        TEXT        NOT NULL,
    port        INTEGER     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    admin_user  TEXT        NOT NULL,
    status      TEXT        NOT NULL DEFAULT 'unknown',
    is_shared   BOOLEAN     NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE app_databases (
    id             UUID PRIMARY KEY,
    instance_id    UUID        NOT NULL REFERENCES instances (id),
    app            TEXT        NOT NULL,
    database_name  TEXT        NOT NULL,
    role_name      TEXT        NOT NULL,
    status         TEXT        NOT NULL DEFAULT 'pending',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_backup_at TIMESTAMPTZ,
    UNIQUE (instance_id, database_name)
);

CREATE TABLE containers (
    container_id TEXT PRIMARY KEY,
    name         TEXT        NOT NULL,
    image        TEXT,
    app          TEXT,
    database_id  UUID,
    status       TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
