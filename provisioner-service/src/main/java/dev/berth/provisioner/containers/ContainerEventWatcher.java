package dev.berth.provisioner.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.events.BerthEvent;
import dev.berth.contracts.events.ContainerCreated;
import dev.berth.contracts.events.ContainerDied;
import dev.berth.contracts.events.InstanceStarted;
import dev.berth.contracts.events.InstanceStopped;
import dev.berth.contracts.events.ContainerRemoved;
import dev.berth.contracts.events.ContainerStarted;
import dev.berth.contracts.events.ContainerStopped;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.problem.SqlStates;
import dev.berth.outbox.Outbox;
import dev.berth.outbox.OutboxRelay;
import dev.berth.provisioner.podman.PodmanClient.EventStreamHandle;
import dev.berth.provisioner.podman.PodmanEvent;
import dev.berth.provisioner.podman.PodmanEventLog;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Follows Podman's event stream for Berth's containers (label {@code berth.owner}) on a thread of its own and turns
 * create/start/stop/died/remove into {@code Container*} events: each written to the outbox in the same transaction
 * as the watcher's position, then relayed at once. After a restart (or a broken stream) it resumes from that
 * position; an event seen twice gets the same event id, so consumers apply it once.
 */
@ApplicationScoped
public class ContainerEventWatcher {

    private static final Logger LOG = Logger.getLogger(ContainerEventWatcher.class);
    private static final URI SOURCE = URI.create("/berth/provisioner");
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    ContainerRuntime runtime;

    @Inject
    Pool pool;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    StopRequests stopRequests;

    private static final Path DEFAULT_EVENT_LOG = Path.of("/run/libpod/events/events.log");

    @Inject
    ObjectMapper json;

    private final EventStreamHandle handle = new EventStreamHandle();
    private volatile PodmanEventLog eventLog;
    private volatile boolean stopping;
    private volatile Thread thread;

    void onStart(@Observes StartupEvent start) {
        if (!runtime.configured() || !runtime.config().watchEvents()) {
            return;
        }
        thread = new Thread(this::run, "berth-podman-events");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent stop) {
        stopping = true;
        handle.close();
        PodmanEventLog log = eventLog;
        if (log != null) {
            log.close();
        }
        Thread current = thread;
        if (current != null) {
            current.interrupt();
        }
    }

    private void run() {
        boolean warned = false;
        while (!stopping) {
            try {
                long since = position();
                String owner = runtime.config().owner();
                Path logFile = eventLogFile();
                if (logFile != null) {
                    try (PodmanEventLog log = new PodmanEventLog(logFile, json)) {
                        eventLog = log;
                        if (!stopping) {
                            log.follow(event -> owner.equals(event.attribute(ContainerLabels.OWNER)),
                                    event -> record(event, since));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot follow " + logFile, e);
                    }
                } else {
                    runtime.client().followEvents(since, List.of(ContainerLabels.OWNER + "=" + owner),
                            event -> record(event, since), handle);
                }
                warned = false;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                if (!warned) {
                    LOG.warnf("container events: %s; retrying every %s", e.getMessage(), runtime.config().watchRetry());
                    warned = true;
                }
            }
            try {
                Thread.sleep(runtime.config().watchRetry().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The event log file to follow, or null for the API's event stream. */
    private Path eventLogFile() {
        String source = runtime.config().eventsSource();
        if (source.equals("api")) {
            return null;
        }
        if (!source.equals("auto")) {
            return Path.of(source);
        }
        boolean fileLogger = "file".equals(runtime.client().eventLogger());
        Path chosen = fileLogger && PodmanEventLog.readable(DEFAULT_EVENT_LOG) ? DEFAULT_EVENT_LOG : null;
        if (!announced) {
            LOG.infof("container events from %s", chosen == null ? "Podman's event stream" : chosen + " (inotify)");
            announced = true;
        }
        return chosen;
    }

    private volatile boolean announced;

    private void record(PodmanEvent event, long resumedFrom) {
        if (event.timeNano() <= resumedFrom) {
            return; // Podman replays from the second of the position; these were recorded before
        }
        BerthEvent data = translate(event, stopRequests);
        if (data == null) {
            return;
        }
        UUID eventId = UUID.nameUUIDFromBytes((event.id() + "/" + event.action() + "/" + event.timeNano())
                .getBytes(StandardCharsets.UTF_8));
        OffsetDateTime time = OffsetDateTime.ofInstant(Instant.ofEpochSecond(0, event.timeNano()), ZoneOffset.UTC);
        EventEnvelope envelope = new EventEnvelope(eventId, SOURCE, EventEnvelope.typeOf(data.getClass()),
                data.aggregateId(), time, data);
        // No fsync wait: if PostgreSQL loses this commit, it loses the position with it, and the event is read
        // from Podman's log again after the restart (same event id).
        pool.withTransaction(tx -> tx.query("SET LOCAL synchronous_commit = off").execute()
                        .chain(() -> outbox.append(tx, envelope))
                        .call(() -> tx.preparedQuery("INSERT INTO container_watch (owner, last_time_nano) VALUES ($1, $2) "
                                        + "ON CONFLICT (owner) DO UPDATE SET last_time_nano = greatest("
                                        + "container_watch.last_time_nano, $2), updated_at = now()")
                                .execute(Tuple.of(runtime.config().owner(), event.timeNano())))
                        .call(() -> instanceHealth(tx, data)))
                // Seen before (Podman's log was rotated and read again, or a stream replayed it): recorded already.
                .onFailure(e -> SqlStates.is(e, SqlStates.UNIQUE_VIOLATION))
                .recoverWithNull()
                .await().atMost(DB_TIMEOUT);
        // Publish now rather than at the relay's next tick: the registry should learn within milliseconds.
        relay.nudge();
    }

    /**
     * A dedicated instance that started (or stopped) is not known healthy any more: the health round then announces
     * when it is, even if the stop and start happened between two rounds.
     */
    private static io.smallrye.mutiny.Uni<Void> instanceHealth(io.vertx.mutiny.sqlclient.SqlConnection tx,
            BerthEvent data) {
        String health = data instanceof InstanceStarted ? "starting" : data instanceof InstanceStopped ? "stopped" : null;
        if (health == null) {
            return io.smallrye.mutiny.Uni.createFrom().voidItem();
        }
        // A start only moves an instance that was down: one Berth itself has just found healthy stays so.
        return tx.preparedQuery("UPDATE instance_containers SET health = $2 WHERE instance_id = $1 AND ($2 = 'stopped' "
                        + "OR health IN ('stopped', 'missing', 'unhealthy'))")
                .execute(Tuple.of(UUID.fromString(data.aggregateId()), health)).replaceWithVoid();
    }

    private long position() {
        var rows = pool.preparedQuery("SELECT last_time_nano FROM container_watch WHERE owner = $1")
                .execute(Tuple.of(runtime.config().owner())).await().atMost(DB_TIMEOUT);
        if (rows.size() > 0) {
            return rows.iterator().next().getLong(0);
        }
        // First start: from now on (older containers are found by the registry's reconciliation, not replayed).
        return Instant.now().getEpochSecond() * 1_000_000_000L;
    }

    static BerthEvent translate(PodmanEvent event, StopRequests stopRequests) {
        String instance = event.attribute(ContainerLabels.INSTANCE);
        if (instance != null) {
            return translateInstance(event, instance, stopRequests);
        }
        String id = event.id();
        String name = event.attribute("name");
        String app = event.attribute(ContainerLabels.APP);
        return switch (event.action()) {
            case "create" -> new ContainerCreated(id, name, event.attribute("image"), app,
                    event.attribute(ContainerLabels.DATABASE));
            case "start" -> new ContainerStarted(id, name, app);
            case "stop" -> new ContainerStopped(id, name, app);
            case "died", "die" -> stopRequests.consume(id) ? new ContainerStopped(id, name, app)
                    : new ContainerDied(id, name, app, exitCode(event.attribute("containerExitCode")));
            case "remove" -> new ContainerRemoved(id, name, app);
            default -> null;
        };
    }

    /**
     * A dedicated instance's container: started, or stopped — asked for (through Berth, or a clean exit 0 as after
     * {@code podman stop}) or not. Its create and remove are announced by the provisioner itself, with more to say.
     */
    private static BerthEvent translateInstance(PodmanEvent event, String instance, StopRequests stopRequests) {
        String name = event.attribute("name");
        return switch (event.action()) {
            case "start" -> new InstanceStarted(instance, name);
            case "died", "die" -> {
                Integer exit = exitCode(event.attribute("containerExitCode"));
                boolean requested = stopRequests.consume(event.id()) || Integer.valueOf(0).equals(exit);
                yield new InstanceStopped(instance, name, requested, exit);
            }
            default -> null;
        };
    }

    private static Integer exitCode(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
