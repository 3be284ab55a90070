-- Dedicated instances: database servers Berth runs in containers. host/port stay what apps on the data network
-- use (the container's name and the engine's port); host_port is the optional published port on 127.0.0.1.
-- status: creating, ready, starting, stopped, unhealthy, missing (container gone outside Berth), removing.
ALTER TABLE instances
    ADD COLUMN dedicated    BOOLEAN     NOT NULL DEFAULT false,
    ADD COLUMN environment  TEXT CHECK (environment IN ('production', 'staging', 'development')),
    ADD COLUMN container    TEXT UNIQUE,
    ADD COLUMN image        TEXT,
    ADD COLUMN version      TEXT,
    ADD COLUMN host_port    INTEGER,
    ADD COLUMN memory_bytes BIGINT,
    ADD COLUMN cpus         DOUBLE PRECISION,
    ADD COLUMN made_for_app UUID,
    ADD COLUMN status_detail TEXT,
    ADD COLUMN updated_at   TIMESTAMPTZ NOT NULL DEFAULT now();

-- Host ports handed to instances, one holder each: the primary key is what keeps two concurrent creates from
-- getting the same port.
CREATE TABLE port_leases (
    port        INTEGER PRIMARY KEY CHECK (port BETWEEN 1024 AND 65535),
    instance_id UUID        NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    leased_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
