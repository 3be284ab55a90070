package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.Databases.AppDb;
import dev.berth.embedded.Commands;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The backup storage runs out of room: a small ext4 filesystem on a loop device, mounted where this database's
 * backups are written, nearly filled. The backup fails loudly — its record and {@code BackupFailed} event say the
 * storage is full, {@code /q/health} reports {@code backup-storage} DOWN, {@code berth_backup_failures_total
 * {reason="storage-full"}} counts it — no partial file is left, the older backup is byte for byte untouched, and once
 * space is freed the next backup completes and the check is UP again. Needs root (losetup, mount), as CI has.
 */
@QuarkusTest
@Tag("faults")
class StorageFullIT {

    @Test
    void aFullStorageFailsTheBackupLoudlyKeepsTheOlderOnesAndRecoversOnceFreed() throws Exception {
        AppDb db = Databases.create("full");
        db.sql("CREATE TABLE t (id int, filler text)", "INSERT INTO t VALUES (1, 'small')");
        Path dir = Path.of(ConfigProvider.getConfig().getValue("berth.backup.storage.local-dir", String.class))
                .resolve(db.database());
        Path image = TestInfrastructure.get().dir("full-storage.img");
        try (SmallDisk disk = SmallDisk.mount(image, dir, 16)) {
            JsonPath older = Databases.backupNow(db.id());
            assertEquals("completed", older.getString("status"), older.prettify());
            Path olderFile = dir.resolve(older.getString("fileName"));
            assertEquals(older.getString("sha256"), sha256(olderFile));

            // Leave about 256 KiB, then make the dump need ~2 MiB (random text pg_dump cannot squeeze much).
            Path filler = dir.resolve("filler.bin");
            long room = Files.getFileStore(dir).getUsableSpace() - 256 * 1024;
            run("fallocate", "-l", String.valueOf(room), filler.toString());
            db.sql("INSERT INTO t SELECT g, string_agg(md5(random()::text || g || s), '') FROM "
                    + "generate_series(1, 2000) g, generate_series(1, 32) s GROUP BY g");
            double failedBefore = failures();

            JsonPath failed = Databases.backupNow(db.id());
            assertEquals("failed", failed.getString("status"), failed.prettify());
            assertTrue(failed.getString("error").startsWith("the backup storage is full (No space left on device)"),
                    failed.getString("error"));
            assertEquals("1", sql("SELECT count(*) FROM outbox WHERE event_type = 'dev.berth.BackupFailed' AND "
                    + "payload->'data'->>'backupId' = '" + failed.getString("id") + "' AND payload->'data'->>'errorSummary' "
                    + "LIKE 'the backup storage is full%'"), "one BackupFailed event saying why");
            given().get("/q/health").then().statusCode(503)
                    .body("checks.find { it.name == 'backup-storage' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'backup-storage' }.data.problem", containsString("full"));
            assertEquals(failedBefore + 1, failures(), "berth_backup_failures_total{reason=storage-full}");
            assertTrue(given().get("/q/metrics").asString().lines().anyMatch(line -> line.startsWith(
                    "berth_backup_storage_free_bytes ")), "the free space is a metric");
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(Stream.of("filler.bin", olderFile.getFileName().toString()).sorted().toList(), files.map(p -> p.getFileName()
                        .toString()).filter(name -> !name.equals("lost+found")).sorted().toList(),
                        "no partial file left, nothing else touched");
            }
            assertEquals(older.getString("sha256"), sha256(olderFile), "the older backup is untouched");

            Files.delete(filler);
            JsonPath after = Databases.backupNow(db.id());
            assertEquals("completed", after.getString("status"), after.prettify());
            assertEquals(after.getString("sha256"), sha256(dir.resolve(after.getString("fileName"))));
            given().get("/q/health/well").then().statusCode(200)
                    .body("checks.find { it.name == 'backup-storage' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'backup-storage' }.data.freeBytes", org.hamcrest.Matchers.notNullValue());
        }
    }

    private static double failures() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("berth_backup_failures_total{")
                        && line.contains("reason=\"storage-full\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static String sql(String query) {
        return TestInfrastructure.get().postgres().sql("berth_backup", query).trim();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static void run(String... command) {
        Commands.Result result = Commands.tryRun(List.of(command), null, 60, null);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.output());
    }

    /** A sparse file made into an ext4 filesystem on a loop device and mounted at a directory; undone on close. */
    private record SmallDisk(String device, Path mountPoint, Path image) implements AutoCloseable {

        static SmallDisk mount(Path image, Path at, int mebibytes) throws IOException {
            Files.createDirectories(at);
            run("truncate", "-s", mebibytes + "M", image.toString());
            run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString());
            Commands.Result attached = Commands.tryRun(List.of("losetup", "--find", "--show", image.toString()), null,
                    30, null);
            assertEquals(0, attached.exitCode(), attached.output());
            SmallDisk disk = new SmallDisk(attached.output().strip(), at, image);
            try {
                run("mount", disk.device(), at.toString());
                run("chmod", "700", at.toString());
            } catch (AssertionError e) {
                disk.close();
                throw e;
            }
            return disk;
        }

        @Override
        public void close() {
            Commands.tryRun(List.of("umount", mountPoint.toString()), null, 60, null);
            Commands.tryRun(List.of("losetup", "-d", device), null, 30, null);
            Commands.tryRun(List.of("rm", "-f", image.toString()), null, 30, null);
        }
    }
}
