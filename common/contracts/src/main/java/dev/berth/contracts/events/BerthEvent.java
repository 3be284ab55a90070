package dev.berth.contracts.events;

/**
 * A fact one Berth service announces to the others. Every payload is a record named in the past tense,
 * carries no secret, and names the aggregate it belongs to: that id is the Kafka key, so one aggregate's
 * events stay in order on one partition.
 */
public sealed interface BerthEvent
        permits DatabaseProvisioned, DatabaseDropped, ContainerCreated, ContainerStarted, ContainerStopped,
        ContainerDied, ContainerRemoved, BackupCompleted,
        BackupFailed, CredentialsRotated, DatabaseDeletionRequested, BackupStarted, BackupVerificationChanged,
        RestorePhaseChanged, InstanceCreated, InstanceStarted, InstanceStopped, InstanceHealthy, InstanceUnhealthy,
        InstanceRemoved, InstanceReplaced {

    /** The id of the database, container, backup or instance this event is about; also the Kafka record key. */
    String aggregateId();
}
