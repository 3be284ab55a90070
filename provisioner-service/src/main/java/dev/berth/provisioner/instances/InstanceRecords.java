package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.events.BerthEvent;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.outbox.Outbox;
import dev.berth.outbox.OutboxRelay;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.InstanceEndpoint;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The provisioner's rows about dedicated instances ({@code instance_containers}), each change written with its
 * {@code Instance*} event in one transaction. Blocking (callers run on worker threads).
 */
@ApplicationScoped
public class InstanceRecords {

    private static final String SOURCE = "/berth/provisioner";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * One dedicated instance as recorded. {@code health}: healthy, unhealthy, starting, stopped or missing.
     * {@code namespace}: the Kubernetes namespace it runs in, or null on Podman.
     */
    public record Record(UUID instanceId, String name, String environment, Engine engine, String container,
            String containerId, String image, String version, String volume, String secret, Integer hostPort,
            Long memoryBytes, Double cpus, String health, String namespace) {

        public Record(UUID instanceId, String name, String environment, Engine engine, String container,
                String containerId, String image, String version, String volume, String secret, Integer hostPort,
                Long memoryBytes, Double cpus, String health) {
            this(instanceId, name, environment, engine, container, containerId, image, version, volume, secret,
                    hostPort, memoryBytes, cpus, health, null);
        }

        public boolean onKubernetes() {
            return namespace != null;
        }
    }

    @Inject
    Pool pool;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    InstanceConnections connections;

    /** A new instance: its container row, its admin endpoint and sealed password, and its event, all or nothing. */
    public void created(Record r, InstanceEndpoint endpoint, String password, BerthEvent event) {
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO instance_containers (instance_id, name, environment, "
                                + "engine, container, container_id, image, version, volume, secret, host_port, memory_bytes, "
                                + "cpus, health, namespace) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                                + "$15)")
                        .execute(Tuple.tuple(Arrays.asList(r.instanceId(), r.name(), r.environment(), r.engine().wire(),
                                r.container(), r.containerId(), r.image(), r.version(), r.volume(), r.secret(),
                                r.hostPort(), r.memoryBytes(), r.cpus(), r.health(), r.namespace())))
                        .call(() -> connections.store(tx, endpoint, password, 0, r.engine().wire()))
                        .call(() -> outbox.append(tx, EventEnvelope.of(SOURCE, event))))
                .await().atMost(TIMEOUT);
        relay.nudge();
    }

    /** The instance's row; 404 when it is not a dedicated instance of this provisioner. */
    public Record require(UUID instanceId) {
        return find(instanceId).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                "instance " + instanceId + " is not a dedicated instance of this Berth"));
    }

    public java.util.Optional<Record> find(UUID instanceId) {
        var rows = pool.preparedQuery("SELECT * FROM instance_containers WHERE instance_id = $1")
                .execute(Tuple.of(instanceId)).await().atMost(TIMEOUT);
        return rows.size() == 0 ? java.util.Optional.empty() : java.util.Optional.of(of(rows.iterator().next()));
    }

    public List<Record> all() {
        List<Record> records = new ArrayList<>();
        pool.query("SELECT * FROM instance_containers ORDER BY name").execute().await().atMost(TIMEOUT)
                .forEach(row -> records.add(of(row)));
        return records;
    }

    /** Records a new health (and the event announcing the change, when there is one). */
    public void health(UUID instanceId, String health, BerthEvent event) {
        pool.withTransaction(tx -> tx.preparedQuery("UPDATE instance_containers SET health = $2 WHERE instance_id = $1")
                        .execute(Tuple.of(instanceId, health))
                        .call(() -> event == null ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                                : outbox.append(tx, EventEnvelope.of(SOURCE, event))))
                .await().atMost(TIMEOUT);
        if (event != null) {
            relay.nudge();
        }
    }

    /** The instance's container was replaced (an upgrade): its new id, image and version. */
    public void replaced(UUID instanceId, String containerId, String image, String version) {
        pool.preparedQuery("UPDATE instance_containers SET container_id = $2, image = $3, version = $4 "
                        + "WHERE instance_id = $1")
                .execute(Tuple.of(instanceId, containerId, image, version)).await().atMost(TIMEOUT);
    }

    /** The instance runs in another container on another volume (a replacement), with its event. */
    public void moved(UUID instanceId, String containerId, String volume, String image, String version,
            BerthEvent event) {
        pool.withTransaction(tx -> tx.preparedQuery("UPDATE instance_containers SET container_id = $2, volume = $3, "
                                + "image = $4, version = $5 WHERE instance_id = $1")
                        .execute(Tuple.of(instanceId, containerId, volume, image, version))
                        .call(() -> outbox.append(tx, EventEnvelope.of(SOURCE, event))))
                .await().atMost(TIMEOUT);
        relay.nudge();
    }

    /** The instance is gone: its row, endpoint and sealed password, with its event. */
    public void removed(UUID instanceId, BerthEvent event) {
        pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM instance_containers WHERE instance_id = $1")
                        .execute(Tuple.of(instanceId))
                        .call(() -> outbox.append(tx, EventEnvelope.of(SOURCE, event))))
                .await().atMost(TIMEOUT);
        connections.forget(instanceId).await().atMost(TIMEOUT);
        relay.nudge();
    }

    private static Record of(Row r) {
        return new Record(r.getUUID("instance_id"), r.getString("name"), r.getString("environment"),
                Engine.of(r.getString("engine")), r.getString("container"), r.getString("container_id"),
                r.getString("image"), r.getString("version"), r.getString("volume"), r.getString("secret"),
                r.getInteger("host_port"), r.getLong("memory_bytes"), r.getDouble("cpus"), r.getString("health"),
                r.getString("namespace"));
    }
}
