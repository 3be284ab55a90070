-- Sign-in sessions (one per issued token, so a token can be ended before it expires), a role per API key
-- (at most its owner's), and where an audited request came from.
CREATE TABLE sessions (
    id          UUID PRIMARY KEY,
    user_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ
);
CREATE INDEX sessions_of_user ON sessions (user_id);

ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'viewer' CHECK (role IN ('admin', 'operator', 'viewer'));
ALTER TABLE api_keys ADD COLUMN prefix TEXT NOT NULL DEFAULT '';

ALTER TABLE audit_log ADD COLUMN via TEXT;
ALTER TABLE audit_log ADD COLUMN address TEXT;
CREATE INDEX audit_newest ON audit_log (at DESC);
