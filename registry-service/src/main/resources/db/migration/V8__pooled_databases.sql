-- Whether apps reach a database through PgBouncer (a host install puts it in front of the default instance).
ALTER TABLE app_databases ADD COLUMN pooled boolean NOT NULL DEFAULT false;
