-- Databases whose credentials Berth keeps in a Kubernetes Secret (for envFrom: secretRef): rewritten on rotation and
-- on a pooling switch, removed with the database.
CREATE TABLE kubernetes_secrets (
    database_id uuid PRIMARY KEY REFERENCES app_databases (id) ON DELETE CASCADE,
    namespace   text NOT NULL,
    name        text NOT NULL,
    written_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (namespace, name)
);
