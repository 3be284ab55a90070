-- backup-then-delete: a database waits in status 'deleting' until its pre-delete backup completed
-- (deletion_phase 'awaiting-backup' → 'backup-done' → dropped); a failed backup puts it back to 'ready' with the
-- reason in deletion_error.
ALTER TABLE app_databases
    ADD COLUMN deletion_phase TEXT CHECK (deletion_phase IN ('awaiting-backup', 'backup-done')),
    ADD COLUMN deletion_error TEXT;
CREATE INDEX app_databases_deletion ON app_databases (deletion_phase) WHERE deletion_phase IS NOT NULL;
