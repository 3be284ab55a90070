-- Global backup settings (one row), per-database overrides (NULL = inherit), the run queue, restores with their
-- phases, verification results and instance-level globals dumps.
CREATE TABLE backup_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    enabled        BOOLEAN     NOT NULL,
    cron           TEXT        NOT NULL,
    retention_days INTEGER     NOT NULL CHECK (retention_days > 0),
    keep_last      INTEGER     NOT NULL CHECK (keep_last >= 1),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every schedule so far was made from the defaults: they become "inherit".
ALTER TABLE backup_schedules ALTER COLUMN cron DROP NOT NULL,
    ALTER COLUMN retention_days DROP NOT NULL,
    ALTER COLUMN keep_last DROP NOT NULL,
    ADD COLUMN instance_id TEXT,
    ADD COLUMN next_run_at TIMESTAMPTZ,
    ADD COLUMN last_run_at TIMESTAMPTZ;
UPDATE backup_schedules SET cron = NULL, retention_days = NULL, keep_last = NULL;
CREATE INDEX backup_schedules_due ON backup_schedules (next_run_at) WHERE enabled;

ALTER TABLE backups DROP CONSTRAINT backups_status_check;
ALTER TABLE backups ADD CONSTRAINT backups_status_check
    CHECK (status IN ('queued', 'running', 'completed', 'failed'));
ALTER TABLE backups
    ADD COLUMN instance_id      TEXT,
    ADD COLUMN database_name    TEXT,
    ADD COLUMN stored_bytes     BIGINT,
    ADD COLUMN encrypted        BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN server_version   TEXT,
    ADD COLUMN pg_dump_version  TEXT,
    ADD COLUMN duration_ms      BIGINT,
    ADD COLUMN table_count      INTEGER,
    ADD COLUMN row_estimate     BIGINT,
    ADD COLUMN verify_status    TEXT CHECK (verify_status IN ('running', 'passed', 'failed')),
    ADD COLUMN verified_at      TIMESTAMPTZ,
    ADD COLUMN verify_detail    TEXT;
CREATE UNIQUE INDEX backups_storage_key ON backups (storage_key) WHERE storage_key IS NOT NULL;

CREATE TABLE restore_jobs (
    id                    UUID PRIMARY KEY,
    database_id           TEXT        NOT NULL,
    backup_id             UUID        NOT NULL REFERENCES backups (id),
    target                TEXT        NOT NULL CHECK (target IN ('in-place', 'new')),
    phase                 TEXT        NOT NULL,
    pre_restore_backup_id UUID,
    new_database_id       TEXT,
    new_environment       TEXT,
    started_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at           TIMESTAMPTZ,
    error                 TEXT
);
CREATE INDEX restore_jobs_unfinished ON restore_jobs (started_at) WHERE finished_at IS NULL;

CREATE TABLE instance_globals (
    id          UUID PRIMARY KEY,
    instance_id TEXT        NOT NULL,
    storage_key TEXT        NOT NULL,
    size_bytes  BIGINT      NOT NULL,
    sha256      TEXT        NOT NULL,
    encrypted   BOOLEAN     NOT NULL,
    taken_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX instance_globals_by_instance ON instance_globals (instance_id, taken_at DESC);
