-- The credential vault (AES-256-GCM ciphertexts, each with the id of the key that sealed it) and the log of
-- provisioning operations with their persisted phase.
CREATE TABLE vault_secrets (
    id          UUID PRIMARY KEY,
    owner_kind  TEXT        NOT NULL CHECK (owner_kind IN ('instance', 'database')),
    owner_id    TEXT        NOT NULL,
    purpose     TEXT        NOT NULL,
    key_id      TEXT        NOT NULL,
    nonce       BYTEA       NOT NULL,
    ciphertext  BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    rotated_at  TIMESTAMPTZ,
    UNIQUE (owner_kind, owner_id, purpose)
);

CREATE TABLE provisioning_operations (
    id          UUID PRIMARY KEY,
    kind        TEXT        NOT NULL,
    target      TEXT        NOT NULL,
    phase       TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    error       TEXT
);
CREATE INDEX provisioning_operations_recent ON provisioning_operations (started_at DESC);
