-- An app can ask for a dedicated instance of its own (database.mode = dedicated).
ALTER TABLE apps DROP CONSTRAINT apps_database_mode_check;
ALTER TABLE apps ADD CONSTRAINT apps_database_mode_check
    CHECK (database_mode IN ('auto', 'existing', 'new', 'dedicated', 'external', 'none'));
