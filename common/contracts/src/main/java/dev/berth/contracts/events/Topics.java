package dev.berth.contracts.events;

import java.util.List;

/** Kafka topic names. A topic per aggregate kind, versioned in its name. */
public final class Topics {

    public static final String DATABASES = "berth.databases.v1";
    public static final String CONTAINERS = "berth.containers.v1";
    public static final String BACKUPS = "berth.backups.v1";
    public static final String INSTANCES = "berth.instances.v1";

    /** Every topic Berth uses; the harness and the embedded run create them up front. */
    public static final List<String> ALL = List.of(DATABASES, CONTAINERS, BACKUPS, INSTANCES);

    private Topics() {
    }

    /** The topic an event belongs on. */
    public static String of(BerthEvent event) {
        return topicFor(event.getClass());
    }

    static String topicFor(Class<? extends BerthEvent> type) {
        if (type == DatabaseProvisioned.class || type == DatabaseDropped.class || type == CredentialsRotated.class
                || type == DatabaseDeletionRequested.class) {
            return DATABASES;
        }
        if (type.getSimpleName().startsWith("Container")) {
            return CONTAINERS;
        }
        if (type.getSimpleName().startsWith("Backup") || type == RestorePhaseChanged.class) {
            return BACKUPS;
        }
        if (type.getSimpleName().startsWith("Instance")) {
            return INSTANCES;
        }
        throw new IllegalArgumentException("no topic for " + type.getSimpleName());
    }
}
