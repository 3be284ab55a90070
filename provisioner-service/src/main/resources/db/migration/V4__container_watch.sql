-- Where the Podman event watcher stopped (per owner label), so a restart resumes without losing or repeating events.
CREATE TABLE container_watch (
    owner          TEXT PRIMARY KEY,
    last_time_nano BIGINT      NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
