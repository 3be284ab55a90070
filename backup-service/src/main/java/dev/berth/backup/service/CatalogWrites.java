package dev.berth.backup.service;

import dev.berth.contracts.problem.SqlStates;
import java.util.regex.Pattern;

/**
 * A backup or restore is a long job that outlives a moment without PostgreSQL — the server that holds this service's
 * catalog is usually the one being backed up, and it may restart under the job. What the job records about itself
 * (started, completed, failed, each restore phase) goes through {@link dev.berth.outbox.ServerPauses#patient}, instead
 * of leaving the job "running" for ever; this class tells a job that failed because its server went away.
 */
final class CatalogWrites {

    /** What pg_dump, pg_restore and psql say when the server went away under them (or is not back yet). */
    private static final Pattern SERVER_WENT_AWAY = Pattern.compile("server closed the connection|terminating "
            + "connection|the database system is (starting up|shutting down|in recovery|not yet accepting)|"
            + "Connection refused|no connection to the server|could not connect to|connection to server .* failed");

    private CatalogWrites() {
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
