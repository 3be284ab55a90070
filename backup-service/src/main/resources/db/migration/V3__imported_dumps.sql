-- A pg_dump file uploaded by a user (POST /api/databases/{id}/imports) is kept as a backup with reason 'import':
-- stored with its sha256 like any other, so the restore path (checksum, pre-restore backup, rollback) is the same.
ALTER TABLE backups DROP CONSTRAINT backups_reason_check;
ALTER TABLE backups ADD CONSTRAINT backups_reason_check
    CHECK (reason IN ('manual', 'scheduled', 'pre-delete', 'pre-restore', 'import'));
