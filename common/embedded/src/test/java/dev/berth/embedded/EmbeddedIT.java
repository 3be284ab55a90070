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
}
