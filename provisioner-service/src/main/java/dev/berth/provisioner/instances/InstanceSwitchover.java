package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.events.InstanceReplaced;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.provisioning.DedicatedInstance;
import dev.berth.provisioner.config.InstancesConfig;
import dev.berth.provisioner.containers.ContainerRuntime;
import dev.berth.provisioner.containers.StopRequests;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.podman.ContainerInfo;
import dev.berth.provisioner.podman.ContainerSpec;
import dev.berth.provisioner.podman.PodmanClient;
import dev.berth.provisioner.podman.PodmanException;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Replaces the container of a dedicated PostgreSQL instance while it serves (runbook 07): a new container on a new
 * volume, from the image now configured for the engine, made as a streaming standby of the running server (the
 * image's {@code BERTH_REPLICA_OF}, through a replication slot); once it has caught up, the old server is stopped
 * cleanly (PostgreSQL sends a standby everything up to its shutdown checkpoint), the standby is checked to have it
 * all, promoted, and given the instance's name and network alias. Apps reconnect to the same name and find the new
 * server; their connections are cut once, for about a second ({@link InstanceReplaced#gapMillis()}). Until the name
 * moved, a failure puts the old container back and removes the new one, its volume and the slot; afterwards the
 * old container and volume are removed. Blocking.
 */
@ApplicationScoped
public class InstanceSwitchover {

    private static final Logger LOG = Logger.getLogger(InstanceSwitchover.class);
    private static final Duration SQL_TIMEOUT = Duration.ofSeconds(30);
    private static final String REPLICATION_RULE = "host replication postgres samenet scram-sha-256";

    @Inject
    ContainerRuntime runtime;

    @Inject
    InstanceRecords records;

    @Inject
    InstanceHealth health;

    @Inject
    InstanceConnections connections;

    @Inject
    InstanceContainers containers;

    @Inject
    InstanceLifecycle lifecycle;

    @Inject
    EngineDrivers drivers;

    @Inject
    StopRequests stopRequests;

    @Inject
    InstancesConfig config;

    @Inject
    Vertx vertx;

    public DedicatedInstance replace(UUID id) {
        InstanceRecords.Record r = records.require(id);
        if (r.engine() != Engine.POSTGRESQL) {
            throw new ProblemException(ProblemType.CONFLICT, r.container() + " runs " + r.engine().wire() + ": only "
                    + "PostgreSQL instances are replaced without downtime (by streaming replication); upgrade "
                    + "restarts the others on a new image in a few seconds");
        }
        InstancesConfig.Image image = drivers.image(r.engine());
        if (!InstanceContainers.sameMajor(image.version(), r.version())) {
            throw new ProblemException(ProblemType.CONFLICT, r.container() + " runs PostgreSQL " + r.version()
                    + "; the configured image has " + image.version() + ": a standby needs the same major version "
                    + "(a major upgrade is a backup and a restore into a new instance)");
        }
        PodmanClient podman = runtime.client();
        if (!podman.imageExists(image.image())) {
            throw new ProblemException(ProblemType.IMAGE_MISSING, "the image " + image.image() + " is not on this host");
        }
        ContainerInfo old = podman.inspect(r.container());
        if (old == null || !old.running()) {
            throw new ProblemException(ProblemType.CONFLICT, r.container() + " is not running: a stopped instance "
                    + "has nothing to stay up for (start it, or upgrade it)");
        }
        String password = connections.adminPassword(id).await().atMost(SQL_TIMEOUT);
        String network = runtime.config().network();
        String oldAddress = health.address(old);
        String suffix = randomSuffix();
        String slot = "berth_standby_" + suffix;
        String volume = r.container() + "-data-" + suffix;
        String standby = r.container() + "-standby-" + suffix;
        String retired = r.container() + "-retired-" + suffix;
        long started = System.nanoTime();

        allowReplication(oldAddress, password);
        sql(oldAddress, password, "SELECT pg_create_physical_replication_slot('" + slot + "', true)");
        boolean oldStopped = false;
        boolean oldRenamed = false;
        boolean standbyMade = false;
        try {
            podman.createVolume(volume, containers.labels(id, r.engine()));
            standbyMade = true;
            Map<String, String> env = new LinkedHashMap<>(drivers.of(r.engine()).env(InstanceContainers.SECRET_PATH,
                    r.memoryBytes()));
            env.put("BERTH_REPLICA_OF", r.container());
            env.put("BERTH_REPLICA_SLOT", slot);
            ContainerSpec spec = containers.spec(standby, List.of(), null, env, image.image(), volume, r);
            podman.create(spec);
            podman.start(standby);
            health.awaitHealthy(podman, standby, config.readyTimeout());
            String standbyAddress = health.address(podman.inspect(standby));
            awaitCaughtUp(oldAddress, standbyAddress, password);

            // The switch: from here the instance's name answers nowhere until the standby holds it.
            long gapStart = System.nanoTime();
            String lastLsn = sql(oldAddress, password, "SELECT pg_current_wal_lsn()::text");
            stopRequests.note(old.id());
            podman.stop(r.container(), config.stopTimeout());
            oldStopped = true;
            String received = sql(standbyAddress, password, "SELECT pg_last_wal_receive_lsn()::text");
            if (!lsnAtLeast(standbyAddress, password, received, lastLsn)) {
                throw new IllegalStateException("the standby received WAL up to " + received + " only, the old server "
                        + "had written up to " + lastLsn);
            }
            podman.rename(r.container(), retired);
            oldRenamed = true;
            if (r.hostPort() == null) {
                // The standby takes the name and the alias as it runs (a name is moved by reconnecting).
                sql(standbyAddress, password, "SELECT pg_promote(true, 60)");
                podman.rename(standby, r.container());
                podman.disconnectNetwork(network, r.container());
                podman.connectNetwork(network, r.container(), List.of(r.container()));
            } else {
                // A port mapping cannot move to a running container: the standby stops (keeping all it received)
                // and a container with the port, the name and the alias starts on its volume, then is promoted.
                podman.remove(standby, config.stopTimeout());
                podman.create(containers.spec(r.container(), List.of(r.container()), r.hostPort(),
                        drivers.of(r.engine()).env(InstanceContainers.SECRET_PATH, r.memoryBytes()), image.image(),
                        volume, r));
                podman.start(r.container());
                health.awaitHealthy(podman, r.container(), config.readyTimeout());
                sql(health.address(podman.inspect(r.container())), password, "SELECT pg_promote(true, 60)");
            }
            long gapMillis = (System.nanoTime() - gapStart) / 1_000_000;

            ContainerInfo now = podman.inspect(r.container());
            String address = health.address(now);
            // The promoted server follows no one: its standby settings and password file go.
            sql(address, password, "ALTER SYSTEM RESET primary_conninfo");
            sql(address, password, "ALTER SYSTEM RESET primary_slot_name");
            sql(address, password, "SELECT pg_reload_conf()");
            sql(address, password, "COPY (SELECT '') TO PROGRAM 'rm -f /data/postgres/replica.pgpass'");
            records.moved(id, now.id(), volume, image.image(), image.version(),
                    new InstanceReplaced(id.toString(), r.container(), image.image(), volume, r.volume(), gapMillis));
            health.started(records.require(id), now);
            removeQuietly(podman, retired, r.volume());
            LOG.infof("instance %s replaced in %d ms (name unanswered for %d ms); now on %s", r.container(),
                    (System.nanoTime() - started) / 1_000_000, gapMillis, volume);
            return lifecycle.get(id);
        } catch (RuntimeException e) {
            LOG.warnf("replacing %s failed (%s); putting the old container back", r.container(), e.getMessage());
            undo(podman, r, standby, retired, volume, slot, password, oldStopped, oldRenamed, standbyMade);
            String reason = e instanceof PodmanException p ? ContainerRuntime.unavailable(p).getMessage()
                    : e.getMessage();
            throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "replacing " + r.container() + " failed, "
                    + "so it runs in its old container again: " + reason);
        }
    }

    /** The old server takes replication connections from the data network (instances made before this had none). */
    private void allowReplication(String address, String password) {
        String rules = sql(address, password, "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = "
                + "ANY(database)");
        if (!"0".equals(rules)) {
            return;
        }
        String file = sql(address, password, "SHOW hba_file");
        if (!file.matches("/[A-Za-z0-9/_.-]+")) {
            throw new ProblemException(ProblemType.INSTANCE_UNAVAILABLE, "unexpected hba_file " + file);
        }
        sql(address, password, "COPY (SELECT '" + REPLICATION_RULE + "') TO PROGRAM 'cat >> " + file + "'");
        sql(address, password, "SELECT pg_reload_conf()");
        LOG.infof("added '%s' to %s", REPLICATION_RULE, file);
    }

    /** Until the standby has replayed what the server had written when we asked (bounded by the ready timeout). */
    private void awaitCaughtUp(String primary, String standby, String password) {
        long deadline = System.nanoTime() + config.readyTimeout().toNanos();
        String target = sql(primary, password, "SELECT pg_current_wal_lsn()::text");
        while (System.nanoTime() < deadline) {
            String replayed = sql(standby, password, "SELECT coalesce(pg_last_wal_replay_lsn(), '0/0')::text");
            if (lsnAtLeast(standby, password, replayed, target)) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException("the standby did not catch up with the server within "
                + config.readyTimeout().toSeconds() + " s");
    }

    private boolean lsnAtLeast(String address, String password, String lsn, String target) {
        if (lsn == null || lsn.isBlank()) {
            return false;
        }
        return "true".equals(sql(address, password, "SELECT '" + lsnLiteral(lsn) + "'::pg_lsn >= '" + lsnLiteral(target)
                + "'::pg_lsn"));
    }

    private static String lsnLiteral(String lsn) {
        if (!lsn.matches("[0-9A-F]+/[0-9A-F]+")) {
            throw new IllegalStateException("not a WAL position: " + lsn);
        }
        return lsn;
    }

    private void undo(PodmanClient podman, InstanceRecords.Record r, String standby, String retired, String volume,
            String slot, String password, boolean oldStopped, boolean oldRenamed, boolean standbyMade) {
        attempt("remove the standby", () -> {
            String holder = podman.inspect(r.container()) != null && oldRenamed ? r.container() : standby;
            podman.remove(holder, Duration.ZERO);
            if (!holder.equals(standby)) {
                podman.remove(standby, Duration.ZERO);
            }
        });
        if (oldRenamed) {
            attempt("give the old container its name back", () -> podman.rename(retired, r.container()));
        }
        if (oldStopped) {
            attempt("start the old container", () -> {
                podman.start(r.container());
                health.awaitHealthy(podman, r.container(), config.readyTimeout());
                health.started(r, podman.inspect(r.container()));
            });
        }
        if (standbyMade) {
            attempt("remove the standby's volume", () -> podman.removeVolume(volume));
        }
        attempt("drop the replication slot", () -> {
            String address = health.address(podman.inspect(r.container()));
            sql(address, password, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE slot_name = '" + slot + "'");
        });
    }

    private static void removeQuietly(PodmanClient podman, String container, String volume) {
        attempt("remove the retired container", () -> podman.remove(container, Duration.ZERO));
        attempt("remove the old volume", () -> podman.removeVolume(volume));
    }

    private static void attempt(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.errorf("could not %s: %s", what, e.getMessage());
        }
    }

    /** One statement as the instance's superuser; the first column of the first row as text, or "". */
    private String sql(String host, String password, String statement) {
        PgConnectOptions options = new PgConnectOptions().setHost(host).setPort(Engine.POSTGRESQL.port())
                .setUser("postgres").setPassword(password).setDatabase("postgres").setSslMode(SslMode.PREFER)
                .setTrustAll(true).setConnectTimeout(5_000);
        options.addProperty("application_name", "berth-switchover");
        return PgConnection.connect(vertx, options)
                .flatMap(c -> c.query(statement).execute()
                        .map(rows -> {
                            if (rows.size() == 0 || rows.columnsNames() == null || rows.columnsNames().isEmpty()) {
                                return "";
                            }
                            Row row = rows.iterator().next();
                            Object value = row.getValue(0);
                            return value == null ? "" : value.toString();
                        })
                        .eventually(c::close))
                .await().atMost(SQL_TIMEOUT);
    }

    private static String randomSuffix() {
        byte[] bytes = new byte[3];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
