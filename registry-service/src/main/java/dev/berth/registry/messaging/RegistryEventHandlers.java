package dev.berth.registry.messaging;

import dev.berth.contracts.events.BackupCompleted;
import dev.berth.contracts.events.BackupFailed;
import dev.berth.contracts.events.ContainerCreated;
import dev.berth.contracts.events.ContainerDied;
import dev.berth.contracts.events.ContainerRemoved;
import dev.berth.contracts.events.ContainerStarted;
import dev.berth.contracts.events.ContainerStopped;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.events.Topics;
import dev.berth.outbox.EventConsumer;
import dev.berth.registry.service.DatabaseService;
import dev.berth.registry.service.Orphans;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the catalog in step with what other services report: containers Podman created or removed, and the time
 * of each database's latest good backup. Each event is applied once (dedupe by event id).
 */
@ApplicationScoped
public class RegistryEventHandlers {

    static final String CONSUMER = "registry-service";

    static final String PRE_DELETE = "pre-delete";

    @Inject
    EventConsumer consumer;

    @Inject
    DatabaseService databases;

    @Inject
    Orphans orphans;

    @Inject
    InstanceEventHandlers instances;

    @Inject
    MeterRegistry meters;

    private Timer eventLag;

    @PostConstruct
    void meters() {
        eventLag = Timer.builder("berth.container.event.lag")
                .description("From Podman's event to the registry having applied it (catalog committed)")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters);
    }

    /**
     * Containers, backups and instances come through one Kafka consumer (three topics): one client, its threads
     * and buffers and one group member instead of three (docs/performance.md, "Footprint"). Each event goes to the
     * handler of its topic.
     */
    @Incoming("events")
    public Uni<Void> onEvent(byte[] record) {
        AtomicBoolean orphaned = new AtomicBoolean();
        AtomicBoolean deletionMayGoOn = new AtomicBoolean();
        AtomicReference<OffsetDateTime> containerEventTime = new AtomicReference<>();
        return consumer.consume(CONSUMER, record, (tx, event) -> switch (Topics.of(event.data())) {
                    case Topics.CONTAINERS -> {
                        containerEventTime.set(event.time());
                        yield applyContainerEvent(tx, event, orphaned);
                    }
                    case Topics.BACKUPS -> {
                        deletionMayGoOn.set(event.data() instanceof BackupCompleted completed
                                && PRE_DELETE.equals(completed.reason()));
                        yield applyBackupEvent(tx, event);
                    }
                    case Topics.INSTANCES -> instances.apply(tx, event);
                    default -> Uni.createFrom().voidItem();
                })
                .invoke(() -> {
                    if (containerEventTime.get() != null) {
                        eventLag.record(Duration.between(containerEventTime.get().toInstant(), Instant.now()));
                    }
                })
                // A new orphan is quarantined right away (and handled at once when its grace is zero), off the
                // consumer's path so the next events do not wait for the provisioner.
                .invoke(() -> {
                    if (orphaned.get()) {
                        orphans.sweepSoon();
                    }
                })
                // Only a completed pre-delete backup can let a deletion go on; the scheduled retry covers the rest.
                .call(() -> deletionMayGoOn.get() ? databases.finishDeletions() : Uni.createFrom().voidItem());
    }

    private Uni<Void> applyContainerEvent(SqlConnection tx, EventEnvelope event, AtomicBoolean orphaned) {
        if (event.data() instanceof ContainerCreated created) {
            return tx.preparedQuery("INSERT INTO containers (container_id, name, image, app, database_id, status, "
                            + "updated_at) VALUES ($1, $2, $3, $4, $5, 'created', $6) ON CONFLICT (container_id) DO "
                            + "UPDATE SET name = $2, image = $3, app = $4, database_id = $5, updated_at = $6")
                    .execute(Tuple.from(Arrays.asList(created.containerId(), created.name(),
                            created.image(), created.app(), uuidOrNull(created.databaseId()), event.time())))
                    // An app deployed through the API or admitted by the hook learns its container id here too.
                    .call(() -> tx.preparedQuery("UPDATE apps SET container_id = $1, status = CASE WHEN status IN "
                                    + "('deploying', 'admitted') THEN 'created' ELSE status END, updated_at = now() "
                                    + "WHERE name = $2 AND removed_at IS NULL AND container_id IS NULL")
                            .execute(Tuple.of(created.containerId(), created.app())))
                    .replaceWithVoid();
        }
        String status = null;
        String detail = null;
        if (event.data() instanceof ContainerStarted) {
            status = "running";
        } else if (event.data() instanceof ContainerStopped) {
            status = "stopped";
        } else if (event.data() instanceof ContainerDied died) {
            status = "exited";
            detail = died.exitCode() == null ? null : "exit code " + died.exitCode();
        } else if (event.data() instanceof ContainerRemoved) {
            status = "removed";
        }
        if (status == null) {
            return Uni.createFrom().voidItem();
        }
        String containerId = event.data().aggregateId();
        Tuple appUpdate = Tuple.from(Arrays.asList(containerId, status, detail));
        Uni<Void> tracked = tx.preparedQuery("UPDATE containers SET status = $2, updated_at = $3 WHERE container_id = $1 "
                        + "AND updated_at <= $3")
                .execute(Tuple.of(containerId, appUpdate.getString(1), event.time())).replaceWithVoid();
        if (event.data() instanceof ContainerRemoved) {
            return tracked.chain(() -> orphans.containerRemoved(tx, containerId, event.time()))
                    .invoke(orphaned::set).replaceWithVoid();
        }
        // A process ending after a stop (Podman may report both "stop" and "died") stays "stopped".
        return tracked.chain(() -> tx.preparedQuery("UPDATE apps SET status = CASE WHEN $2 = 'exited' AND status = "
                        + "'stopped' THEN status ELSE $2 END, status_detail = $3, updated_at = now() "
                        + "WHERE container_id = $1 AND removed_at IS NULL AND status NOT IN ('removing', 'redeploying')")
                .execute(appUpdate).replaceWithVoid());
    }

    private Uni<Void> applyBackupEvent(SqlConnection tx, EventEnvelope event) {
        if (event.data() instanceof BackupCompleted completed) {
            // A completed pre-delete backup moves a waiting deletion on; DatabaseService.finishDeletions drops it.
            return tx.preparedQuery("UPDATE app_databases SET last_backup_at = greatest(last_backup_at, $2), "
                            + "deletion_phase = CASE WHEN $3 AND deletion_phase = 'awaiting-backup' THEN 'backup-done' "
                            + "ELSE deletion_phase END WHERE id = $1")
                    .execute(Tuple.of(uuidOrNull(completed.databaseId()), event.time(),
                            PRE_DELETE.equals(completed.reason())))
                    .replaceWithVoid();
        }
        if (event.data() instanceof BackupFailed failed && PRE_DELETE.equals(failed.reason())) {
            // No backup, no delete: the database stays, usable again, with the reason shown on it.
            return tx.preparedQuery("UPDATE app_databases SET status = 'ready', deletion_phase = NULL, "
                            + "deletion_error = $2, updated_at = now() WHERE id = $1 "
                            + "AND deletion_phase = 'awaiting-backup'")
                    .execute(Tuple.of(uuidOrNull(failed.databaseId()), "the pre-delete backup failed, so the "
                            + "database was kept: " + failed.errorSummary()))
                    .replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    private static UUID uuidOrNull(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
