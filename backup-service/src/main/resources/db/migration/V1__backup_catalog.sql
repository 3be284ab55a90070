-- Backups (file, size, sha256, status) and the schedule attached to each database. Admin connection info is
-- never stored here: it is asked from the provisioner for each run.
CREATE TABLE backup_schedules (
    database_id    TEXT PRIMARY KEY,
    database_name  TEXT        NOT NULL,
    cron           TEXT        NOT NULL,
    retention_days INTEGER     NOT NULL CHECK (retention_days > 0),
    keep_last      INTEGER     NOT NULL CHECK (keep_last >= 1),
    enabled        BOOLEAN     NOT NULL DEFAULT true,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE backups (
    id            UUID PRIMARY KEY,
    database_id   TEXT        NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    reason        TEXT        NOT NULL CHECK (reason IN ('manual', 'scheduled', 'pre-delete', 'pre-restore')),
    storage_key   TEXT,
    size_bytes    BIGINT,
    sha256        TEXT,
    started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ,
    error         TEXT
);
CREATE INDEX backups_by_database ON backups (database_id, started_at DESC);
