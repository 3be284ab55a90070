package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.Databases.AppDb;
import dev.berth.embedded.PostgresCluster;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL — the one server that holds the app databases and the services' own catalogs — restarted in the middle
 * of a backup and of a restore, with every service left running. The backup is marked failed with the reason and
 * leaves no file; the restore carries on once the server is back and ends with the backup's data; the next backup
 * works without anyone restarting anything.
 */
@QuarkusTest
@Tag("faults")
class PostgresRestartIT {

    private final PostgresCluster pg = TestInfrastructure.get().postgres();

    @Test
    void aBackupCutOffByARestartIsFailedWithTheReasonAndLeavesNoFile() throws Exception {
        AppDb db = Databases.create("pgrb");
        db.sql("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1), (2)");
        String id = null;
        // A transaction holding the table makes pg_dump wait on its lock: the restart finds it mid-dump.
        try (Connection holder = db.connect(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
            id = given().post("/api/databases/" + db.id() + "/backups").then().statusCode(202).extract().path("id");
            await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(pg.sql("postgres", "SELECT count(*) FROM "
                    + "pg_stat_activity WHERE datname = '" + db.database() + "' AND wait_event_type = 'Lock'").trim()));
            restartPostgres();
        } catch (java.sql.SQLException lostWithTheRestart) {
            // closing the holder's connection, which went with the server
        }
        assertTrue(id != null, "the backup was asked for");
        JsonPath failed = Databases.awaitBackup(db.id(), id);
        assertEquals("failed", failed.getString("status"), failed.prettify());
        assertTrue(failed.getString("error").contains("connection") || failed.getString("error").contains("terminat"),
                failed.getString("error"));
        Path dir = Path.of(ConfigProvider.getConfig().getValue("berth.backup.storage.local-dir", String.class))
                .resolve(db.database());
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.toList(), "no file, whole or partial");
            }
        }

        JsonPath next = Databases.backupNow(db.id());
        assertEquals("completed", next.getString("status"), next.prettify());
    }

    @Test
    void aRestoreCutOffByARestartCarriesOnOnceTheServerIsBack() throws Exception {
        AppDb db = Databases.create("pgrr");
        // Enough rows (and an index) that pg_restore takes a few seconds: the restart lands inside it.
        db.sql("CREATE TABLE t (id int PRIMARY KEY, filler text)",
                "INSERT INTO t SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 600000) g",
                "CREATE INDEX t_filler ON t (filler)");
        JsonPath backup = Databases.backupNow(db.id());
        assertEquals("completed", backup.getString("status"), backup.prettify());
        db.sql("DELETE FROM t WHERE id <= 1000", "CREATE TABLE junk (x int)");

        String job = given().contentType(ContentType.JSON).body(Map.of("backupId", backup.getString("id")))
                .post("/api/databases/" + db.id() + "/restore").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> "RESTORING".equals(
                given().get("/api/restores/" + job).then().extract().path("phase")));
        restartPostgres();

        JsonPath done = Databases.awaitRestore(job);
        assertEquals("COMPLETED", done.getString("phase"), done.prettify());
        assertEquals(List.of("600000"), db.column("SELECT count(*) FROM t"), "every row of the backup is back");
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pg_tables WHERE tablename = 'junk'"));
        assertEquals(List.of("2"), db.column("SELECT count(*) FROM pg_indexes WHERE tablename = 't'"));
    }

    /** Stops the server (fast: open sessions are cut), leaves it down long enough to be noticed, starts it again. */
    private void restartPostgres() throws InterruptedException {
        pg.stop();
        Thread.sleep(2000);
        pg.start();
    }
}
