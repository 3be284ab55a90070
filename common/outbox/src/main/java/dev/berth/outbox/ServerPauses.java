package dev.berth.outbox;

import dev.berth.contracts.problem.SqlStates;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * PostgreSQL restarting under a service is a pause, not a failure: a write that must not be lost to it (a job's record
 * of itself, an event's consequences) is tried again while the failure says the server is gone — and only then; a
 * refused statement fails at once — 250 ms to 2 s apart, for up to {@link #PATIENCE}.
 */
public final class ServerPauses {

    private static final Logger LOG = Logger.getLogger(ServerPauses.class);
    /** How long a write waits for the server before its failure is let through. */
    public static final Duration PATIENCE = Duration.ofMinutes(2);

    private ServerPauses() {
    }

    /** {@code write}, outlasting the server's absence; {@code what} names it in the log. */
    public static <T> Uni<T> patient(Uni<T> write, String what) {
        return write.onFailure(SqlStates::serverGone)
                .invoke(e -> LOG.warnf("%s: PostgreSQL is not reachable (%s); trying again until it is back",
                        what, e.getMessage()))
                .onFailure(SqlStates::serverGone).retry().withBackOff(Duration.ofMillis(250), Duration.ofSeconds(2))
                .expireIn(PATIENCE.toMillis());
    }
}
