package dev.berth.contracts.provisioning;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;

/**
 * A session connected to an app database ({@code pg_stat_activity}). {@code query} is the start of the session's
 * current or last statement with password literals masked; it is left out for callers who may only read.
 */
@RegisterForReflection
public record DatabaseSession(int pid, String user, String application, String client, String state,
        OffsetDateTime backendStart, OffsetDateTime queryStart, String waitEventType, String waitEvent, String query) {

    public DatabaseSession withoutQuery() {
        return new DatabaseSession(pid, user, application, client, state, backendStart, queryStart, waitEventType,
                waitEvent, null);
    }
}
