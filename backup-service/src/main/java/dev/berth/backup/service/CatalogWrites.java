package dev.berth.backup.service;

import dev.berth.contracts.problem.SqlStates;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A backup or restore is a long job that outlives a moment without PostgreSQL — the server that holds this service's
 * catalog is usually the one being backed up, and it may restart under the job. What the job records about itself
 * (started, completed, failed, each restore phase) must not be lost to that moment: such a write is tried again until
 * the server is back, for up to two minutes, instead of leaving the job "running" for ever.
 */
final class CatalogWrites {

    private static final Logger LOG = Logger.getLogger(CatalogWrites.class);
    static final Duration PATIENCE = Duration.ofMinutes(2);

    /** What pg_dump, pg_restore and psql say when the server went away under them (or is not back yet). */
    private static final Pattern SERVER_WENT_AWAY = Pattern.compile("server closed the connection|terminating "
            + "connection|the database system is (starting up|shutting down|in recovery|not yet accepting)|"
            + "Connection refused|no connection to the server|could not connect to|connection to server .* failed");

    private CatalogWrites() {
    }

    /** The write, tried again while the server is gone (and only then); a refused statement fails at once. */
    static <T> Uni<T> patient(Uni<T> write, String what) {
        return write.onFailure(SqlStates::serverGone)
                .invoke(e -> LOG.warnf("%s: PostgreSQL is not reachable (%s); trying again until it is back",
                        what, e.getMessage()))
                .onFailure(SqlStates::serverGone).retry().withBackOff(Duration.ofMillis(250), Duration.ofSeconds(2))
                .expireIn(PATIENCE.toMillis());
    }

    /** Whether a job failed because its server went away, not because of what it was doing. */
    static boolean serverWentAway(Throwable failure) {
        if (SqlStates.serverGone(failure)) {
            return true;
        }
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e.getMessage() != null && SERVER_WENT_AWAY.matcher(e.getMessage()).find()) {
                return true;
            }
        }
        return false;
    }
}
