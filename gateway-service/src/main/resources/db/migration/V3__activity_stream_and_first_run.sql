-- The live event stream (GET /api/events): every activity entry gets an increasing number, used as the SSE event id
-- (Last-Event-ID resumes after it), and each insert wakes the gateways that stream it (LISTEN berth_activity).
ALTER TABLE activity ADD COLUMN seq BIGSERIAL;
CREATE UNIQUE INDEX activity_seq ON activity (seq);

CREATE FUNCTION activity_recorded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('berth_activity', NEW.seq::text);
    RETURN NEW;
END
$$;
CREATE TRIGGER activity_recorded AFTER INSERT ON activity FOR EACH ROW EXECUTE FUNCTION activity_recorded();

-- First run: a generated first password must be replaced at the first sign-in; the dashboard's welcome wizard is
-- shown once per person.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN onboarded_at TIMESTAMPTZ;
