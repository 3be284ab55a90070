package dev.berth.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The embedded run's infrastructure: durable, detached, and gone after down. */
class EmbeddedIT {

    @Test
    void restartKeepsDataAndDownLeavesNoProcess() throws Exception {
        Path home = Files.createTempDirectory("berth-home-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        int kafkaPort = FreePorts.next();
        Embedded embedded = new Embedded(home, FreePorts.next(), kafkaPort, FreePorts.next());
        try {
            embedded.up();
            PostgresCluster pg = new PostgresCluster(home.resolve("postgres"), embedded.postgresPort(), true);
            pg.sql("berth_registry", "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            Path env = home.resolve("run/registry/.env");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
            assertTrue(Files.readString(env).contains("BERTH_DB_NAME=berth_registry"));

            embedded.down();
            assertFalse(embedded.status(), "nothing runs after down");
            assertFalse(FreePorts.inUse(kafkaPort));

            embedded.up();
            assertTrue(embedded.status());
            assertEquals("still here", pg.sql("berth_registry", "SELECT v FROM kept"));
        } finally {
            embedded.down();
            Commands.run(java.util.List.of("rm", "-rf", home.toString()), null, 60);
        }
    }

    /**
     * BERTH_POOLER=1: PgBouncer admits an ordinary login with its own password (looked up, never written down), refuses
     * a wrong one and every superuser or service login, lets the stats user read and not control, and goes away with
     * down or with an up that no longer asks for it.
     */
    @Test
    void pgBouncerLooksUpOrdinaryLoginsOnlyAndStopsWhenNotWanted() throws Exception {
        Path home = Files.createTempDirectory("berth-home-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        int pgPort = FreePorts.next();
        int kafkaPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        int poolerPort = FreePorts.next();
        Embedded pooled = new Embedded(home, pgPort, kafkaPort, controllerPort, poolerPort);
        try {
            pooled.up();
            PostgresCluster pg = new PostgresCluster(home.resolve("postgres"), pgPort, true);
            // What the provisioner does for an app: a login, a database only it may use, the pooler's grant.
            pg.sql("postgres", "CREATE ROLE app_login LOGIN PASSWORD 'app-secret-1'; CREATE DATABASE app_db OWNER "
                    + "app_login; REVOKE CONNECT ON DATABASE app_db FROM PUBLIC; GRANT CONNECT ON DATABASE app_db TO "
                    + "berth_pgbouncer");
            assertEquals("app_db", psql("app_login", "app-secret-1", poolerPort, "app_db", "SELECT current_database()")
                    .output().strip());
            assertTrue(psql("app_login", "wrong-secret", poolerPort, "app_db", "SELECT 1").exitCode() != 0);
            String registryPassword = Files.readString(home.resolve("secrets/berth_registry.password")).strip();
            Commands.Result service = psql("berth_registry", registryPassword, poolerPort, "berth_registry", "SELECT 1");
            assertTrue(service.exitCode() != 0, "a service login is not looked up: " + service.output());
            Commands.Result superuser = psql("postgres", pg.adminPassword(), poolerPort, "app_db", "SELECT 1");
            assertTrue(superuser.exitCode() != 0, "the superuser is not looked up: " + superuser.output());

            String stats = Files.readString(home.resolve("secrets/berth_pgbouncer_stats.password")).strip();
            assertTrue(psql("berth_pgbouncer_stats", stats, poolerPort, "pgbouncer", "SHOW POOLS").output()
                    .contains("app_db"));
            Commands.Result control = psql("berth_pgbouncer_stats", stats, poolerPort, "pgbouncer", "PAUSE");
            assertTrue(control.exitCode() != 0, "the stats user cannot control PgBouncer: " + control.output());
            assertTrue(Files.readString(home.resolve("run/provisioner/.env")).contains("BERTH_POOLER_PORT=" + poolerPort));
            for (String file : java.util.List.of("pgbouncer/userlist.txt", "pgbouncer/pgbouncer.ini")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(file))));
                assertFalse(Files.readString(home.resolve(file)).contains(stats), file + " holds no password");
            }

            pooled.down();
            assertFalse(FreePorts.inUse(poolerPort), "down stops PgBouncer");
            pooled.up();
            assertTrue(FreePorts.inUse(poolerPort));
            Embedded plain = new Embedded(home, pgPort, kafkaPort, controllerPort);
            plain.up();
            assertFalse(FreePorts.inUse(poolerPort), "an up without the pooler stops the one left running");
            assertFalse(Files.readString(home.resolve("run/registry/.env")).contains("BERTH_POOLER_PORT"));
        } finally {
            pooled.down();
            Commands.run(java.util.List.of("rm", "-rf", home.toString()), null, 60);
        }
    }

    private static Commands.Result psql(String user, String password, int port, String database, String sql) {
        return Commands.tryRun(java.util.List.of("psql", "-X", "-w", "-At", "-h", "127.0.0.1", "-p",
                String.valueOf(port), "-U", user, "-d", database, "-c", sql), java.util.Map.of("PGPASSWORD", password),
                null, 30, null);
    }
}
