-- A deploy sent with an Idempotency-Key: a retry with the same key gets the same app (and finishes a deploy that a
-- registry restart cut off) instead of a second one. Goes with the app row when a failed deploy removes it.
CREATE TABLE app_idempotency_keys (
    key          text PRIMARY KEY,
    request_hash text NOT NULL,
    app_id       uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now()
);
