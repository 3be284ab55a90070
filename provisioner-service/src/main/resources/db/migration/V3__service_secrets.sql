-- Secrets that belong to a Berth service rather than to an instance or a database (the backup encryption key).
ALTER TABLE vault_secrets DROP CONSTRAINT vault_secrets_owner_kind_check;
ALTER TABLE vault_secrets ADD CONSTRAINT vault_secrets_owner_kind_check
    CHECK (owner_kind IN ('instance', 'database', 'service'));
