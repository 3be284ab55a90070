-- Apps deployed through Berth (POST /api/apps): what was asked for and how its database is bound. The injected
-- credentials are not stored (the provisioner's vault holds them); env holds only what the user gave.
CREATE TABLE apps (
    id              UUID PRIMARY KEY,
    name            TEXT        NOT NULL,
    image           TEXT        NOT NULL,
    env             JSONB       NOT NULL DEFAULT '{}',
    ports           JSONB       NOT NULL DEFAULT '[]',
    command         JSONB       NOT NULL DEFAULT '[]',
    origin          TEXT        NOT NULL DEFAULT 'api' CHECK (origin IN ('api', 'hook')),
    database_mode   TEXT        NOT NULL CHECK (database_mode IN ('auto', 'existing', 'new', 'external', 'none')),
    database_id     UUID,
    database_made   BOOLEAN     NOT NULL DEFAULT false, -- made for this app (not a bound existing one)
    bindings        JSONB       NOT NULL DEFAULT '[]',
    deletion_policy TEXT        NOT NULL CHECK (deletion_policy IN ('keep', 'delete', 'backup-then-delete')),
    container_id    TEXT,
    status          TEXT        NOT NULL,
    status_detail   TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    removed_at      TIMESTAMPTZ
);
-- One live app per name; removed apps stay as history.
CREATE UNIQUE INDEX apps_live_name ON apps (name) WHERE removed_at IS NULL;
CREATE INDEX apps_container ON apps (container_id);

-- A database whose app's container is gone (orphan_of: the app's name as its containers are labelled): quarantined (login disabled) from orphaned_at, and handled by
-- orphan_policy once purge_after has passed (never, for keep).
ALTER TABLE app_databases
    ADD COLUMN orphaned_at  TIMESTAMPTZ,
    ADD COLUMN orphan_of    TEXT,
    ADD COLUMN orphan_policy TEXT,
    ADD COLUMN purge_after  TIMESTAMPTZ,
    ADD COLUMN quarantined_at TIMESTAMPTZ;

-- An instance adopted from a database container Podman runs (POST /api/instances/adopt/{containerId}).
ALTER TABLE instances ADD COLUMN container_id TEXT UNIQUE;
