-- Dedicated instances: the container, volume and secret the provisioner made for an instance, and what it last
-- knew of its health (the monitor announces changes). The admin endpoint is in instance_endpoints as for any
-- instance; its host there is the container's address on the data network, refreshed when it changes.
CREATE TABLE instance_containers (
    instance_id  UUID PRIMARY KEY,
    name         TEXT        NOT NULL,
    environment  TEXT        NOT NULL,
    engine       TEXT        NOT NULL,
    container    TEXT        NOT NULL UNIQUE,
    container_id TEXT        NOT NULL,
    image        TEXT        NOT NULL,
    version      TEXT        NOT NULL,
    volume       TEXT        NOT NULL,
    secret       TEXT        NOT NULL,
    host_port    INTEGER,
    memory_bytes BIGINT,
    cpus         DOUBLE PRECISION,
    health       TEXT        NOT NULL DEFAULT 'healthy',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE instance_endpoints ADD COLUMN engine TEXT NOT NULL DEFAULT 'postgresql';
