package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.Databases.AppDb;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Backups with the real pg_dump into the local directory, and restores with the real pg_restore. */
@QuarkusTest
class BackupAndRestoreIT {

    @Test
    void backupThenChangeThenRestoreInPlaceBringsBackTheDataAsAtBackupTime() throws Exception {
        AppDb shop = Databases.create("shop");
        shop.sql("CREATE TABLE orders (id int PRIMARY KEY, item text)",
                "INSERT INTO orders VALUES (1, 'tea'), (2, 'cake'), (3, 'jam')");

        JsonPath backup = Databases.backupNow(shop.id());
        assertEquals("completed", backup.getString("status"), backup.prettify());
        assertEquals("manual", backup.getString("reason"));
        assertTrue(backup.getString("sha256").matches("[0-9a-f]{64}"));
        assertTrue(backup.getString("fileName").matches(shop.database() + "-\\d{8}-\\d{6}\\.dump"),
                backup.getString("fileName"));
        Path file = storageRoot().resolve(shop.database()).resolve(backup.getString("fileName"));
        assertEquals(backup.getLong("sizeBytes"), Files.size(file));
        assertEquals(backup.getString("sha256"), sha256(Files.readAllBytes(file)));
        assertEquals(1, backup.getInt("tableCount"));

        shop.sql("DELETE FROM orders WHERE id = 1", "UPDATE orders SET item = 'pie' WHERE id = 2",
                "CREATE TABLE junk (x int)");

        String job = given().contentType(ContentType.JSON).body(Map.of("backupId", backup.getString("id")))
                .when().post("/api/databases/" + shop.id() + "/restore").then().statusCode(202)
                .body("target", equalTo("in-place")).extract().path("id");
        JsonPath done = Databases.awaitRestore(job);
        assertEquals("COMPLETED", done.getString("phase"), done.prettify());

        assertEquals(List.of("1:tea", "2:cake", "3:jam"), shop.column("SELECT id || ':' || item FROM orders ORDER BY id"));
        assertEquals(List.of("0"), shop.column("SELECT count(*) FROM pg_tables WHERE tablename = 'junk'"));
        assertEquals(List.of(shop.user()), shop.column("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'"),
                "the app still owns its tables and still logs in with the same password");

        List<String> reasons = given().when().get("/api/databases/" + shop.id() + "/backups").then().statusCode(200)
                .extract().path("reason");
        assertTrue(reasons.contains("pre-restore"), "a pre-restore backup was taken: " + reasons);

        // Each phase was announced, in order, so a page can follow the restore; and the backup announced its start.
        assertEquals("REQUESTED,VERIFYING_CHECKSUM,PRE_RESTORE_BACKUP,RECREATING,RESTORING,COMPLETED",
                phasesAnnounced(job));
        assertEquals("1", TestInfrastructure.get().postgres().sql("berth_backup", "SELECT count(*) FROM outbox "
                + "WHERE event_type = 'dev.berth.BackupStarted' AND payload->'data'->>'backupId' = '"
                + backup.getString("id") + "'"));
    }

    /**
     * Backups of one database that start in the same second (two workers, a burst of requests) are separate files:
     * they once shared a name, so one renamed the other's unfinished dump as its own and the other failed.
     */
    @Test
    void backupsOfOneDatabaseStartedTogetherAreEachAWholeFileOfTheirOwn() throws Exception {
        AppDb burst = Databases.create("burst");
        burst.sql("CREATE TABLE events (id int PRIMARY KEY, body text)",
                "INSERT INTO events SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(given().when().post("/api/databases/" + burst.id() + "/backups").then().statusCode(202)
                    .extract().path("id"));
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String id : ids) {
            JsonPath backup = Databases.awaitBackup(burst.id(), id);
            assertEquals("completed", backup.getString("status"), backup.prettify());
            assertTrue(names.add(backup.getString("fileName")), "two backups share " + backup.getString("fileName"));
            Path file = storageRoot().resolve(burst.database()).resolve(backup.getString("fileName"));
            assertEquals(backup.getLong("sizeBytes"), Files.size(file));
            assertEquals(backup.getString("sha256"), sha256(Files.readAllBytes(file)), "the file is not its dump");
        }
        try (var left = Files.list(storageRoot().resolve(burst.database()))) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial"))
                    .toList(), "a partial file was left behind");
        }
    }

    @Test
    void aDatabaseItsServerLostIsRestoredInPlaceWithoutAPreRestoreBackup() throws Exception {
        // What a host rebuilt after losing its data disk has: the catalog and the role, but no database.
        AppDb lost = Databases.create("lost");
        lost.sql("CREATE TABLE notes (id int PRIMARY KEY, body text)", "INSERT INTO notes VALUES (1, 'kept'), (2, 'too')");
        JsonPath backup = Databases.backupNow(lost.id());
        assertEquals("completed", backup.getString("status"), backup.prettify());
        TestInfrastructure.get().postgres().sql("postgres", "DROP DATABASE " + lost.database() + " WITH (FORCE)");

        String job = given().contentType(ContentType.JSON).body(Map.of("backupId", backup.getString("id")))
                .when().post("/api/databases/" + lost.id() + "/restore").then().statusCode(202).extract().path("id");
        JsonPath done = Databases.awaitRestore(job);
        assertEquals("COMPLETED", done.getString("phase"), done.prettify());
        assertEquals(null, done.getString("preRestoreBackupId"), "nothing to back up first");
        assertEquals(List.of("1:kept", "2:too"), lost.column("SELECT id || ':' || body FROM notes ORDER BY id"),
                "back, and the app logs in with its own password");
        List<String> reasons = given().when().get("/api/databases/" + lost.id() + "/backups").then().statusCode(200)
                .extract().path("reason");
        assertFalse(reasons.contains("pre-restore"), "no failed pre-restore backup either: " + reasons);
        assertEquals("REQUESTED,VERIFYING_CHECKSUM,RECREATING,RESTORING,COMPLETED",
                phasesAnnounced(job));
    }

    /** The phases a restore announced through the outbox, in order, comma-separated. */
    private static String phasesAnnounced(String job) {
        return TestInfrastructure.get().postgres().sql("berth_backup", "SELECT string_agg(payload->'data'->>'phase', "
                + "',' ORDER BY seq) FROM outbox WHERE event_type = 'dev.berth.RestorePhaseChanged' "
                + "AND payload->'data'->>'restoreId' = '" + job + "'");
    }

    @Test
    void restoreIntoANewDatabaseGivesItItsOwnCredentialsAndOwnership() throws Exception {
        AppDb blog = Databases.create("blog");
        blog.sql("CREATE TABLE posts (id int PRIMARY KEY)", "INSERT INTO posts SELECT generate_series(1, 50)");
        JsonPath backup = Databases.backupNow(blog.id());

        String job = given().contentType(ContentType.JSON)
                .body(Map.of("backupId", backup.getString("id"), "target", "new", "environment", "copy"))
                .when().post("/api/databases/" + blog.id() + "/restore").then().statusCode(202).extract().path("id");
        JsonPath done = Databases.awaitRestore(job);
        assertEquals("COMPLETED", done.getString("phase"), done.prettify());

        AppDb copy = Databases.reveal(done.getString("newDatabaseId"));
        assertTrue(copy.database().endsWith("_copy"), copy.database());
        assertEquals(List.of("50"), copy.column("SELECT count(*) FROM posts"));
        assertEquals(List.of(copy.user()), copy.column("SELECT tableowner FROM pg_tables WHERE tablename = 'posts'"));
        copy.sql("INSERT INTO posts VALUES (51)");
        assertEquals(List.of("50"), blog.column("SELECT count(*) FROM posts"), "the source is untouched");
    }

    @Test
    void aBackupWithOneFlippedByteIsRefusedAndTheDatabaseIsLeftAlone() throws Exception {
        AppDb crm = Databases.create("crm");
        crm.sql("CREATE TABLE leads (id int)", "INSERT INTO leads VALUES (1)");
        JsonPath backup = Databases.backupNow(crm.id());
        Path file = storageRoot().resolve(crm.database()).resolve(backup.getString("fileName"));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        crm.sql("INSERT INTO leads VALUES (2)");

        String job = given().contentType(ContentType.JSON).body(Map.of("backupId", backup.getString("id")))
                .when().post("/api/databases/" + crm.id() + "/restore").then().statusCode(202).extract().path("id");
        JsonPath done = Databases.awaitRestore(job);
        assertEquals("FAILED", done.getString("phase"));
        assertTrue(done.getString("error").contains("does not match the sha256"), done.getString("error"));
        assertEquals(List.of("1", "2"), crm.column("SELECT id FROM leads ORDER BY id"), "nothing was restored");
        List<String> reasons = given().when().get("/api/databases/" + crm.id() + "/backups").then()
                .extract().path("reason");
        assertFalse(reasons.contains("pre-restore"), "refused before anything else happened");
    }

    @Test
    void aDownloadIsTheDumpByteForByteAndRangesWork() throws Exception {
        AppDb wiki = Databases.create("wiki");
        wiki.sql("CREATE TABLE pages (id int, body text)",
                "INSERT INTO pages SELECT i, md5(i::text) FROM generate_series(1, 2000) i");
        JsonPath backup = Databases.backupNow(wiki.id());
        String url = "/api/databases/" + wiki.id() + "/backups/" + backup.getString("id");

        Response whole = given().accept("application/octet-stream").when().get(url);
        assertEquals(200, whole.statusCode());
        byte[] body = whole.asByteArray();
        assertEquals(backup.getLong("sizeBytes"), body.length);
        assertEquals(String.valueOf(body.length), whole.header("Content-Length"));
        assertEquals(backup.getString("sha256"), sha256(body));
        assertEquals("PGDMP", new String(Arrays.copyOf(body, 5)), "a custom-format dump pg_restore reads");
        assertTrue(whole.header("Content-Disposition").contains("filename=\"" + backup.getString("fileName") + "\""));

        Response part = given().accept("application/octet-stream").header("Range", "bytes=100-1099").when().get(url);
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-1099/" + body.length, part.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(body, 100, 1100), part.asByteArray());

        Response tail = given().accept("application/octet-stream").header("Range", "bytes=-10").when().get(url);
        assertArrayEquals(Arrays.copyOfRange(body, body.length - 10, body.length), tail.asByteArray());

        given().accept("application/octet-stream").header("Range", "bytes=" + body.length + "-").when().get(url)
                .then().statusCode(416).header("Content-Range", "bytes */" + body.length);
    }

    @Test
    void aKilledPgDumpLeavesNoFileThatLooksComplete() throws Exception {
        AppDb big = Databases.create("big");
        big.sql("CREATE TABLE t (id int, a text, b text)",
                "INSERT INTO t SELECT i, md5(i::text), md5((i * 7)::text) FROM generate_series(1, 1500000) i");
        String id = given().when().post("/api/databases/" + big.id() + "/backups").then().statusCode(202)
                .extract().path("id");
        ProcessHandle dump = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> ProcessHandle.current().descendants()
                        .filter(p -> p.info().command().orElse("").endsWith("pg_dump")).findFirst().orElse(null),
                        p -> p != null);
        assertTrue(dump.destroyForcibly());

        JsonPath failed = Databases.awaitBackup(big.id(), id);
        assertEquals("failed", failed.getString("status"));
        assertTrue(failed.getString("error").contains("pg_dump"), failed.getString("error"));
        Path dir = storageRoot().resolve(big.database());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no .dump and no .partial left");
        } catch (java.nio.file.NoSuchFileException none) {
            // nothing was ever written there: fine
        }
        given().accept("application/octet-stream").when().get("/api/databases/" + big.id() + "/backups/" + id)
                .then().statusCode(409);
    }

    @Test
    void badRequestsAreRefusedClearlyAndChangeNothing() {
        String unknown = UUID.randomUUID().toString();
        given().when().post("/api/databases/" + unknown + "/backups").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString(unknown));
        given().when().get("/api/databases/" + unknown + "/backups").then().statusCode(200)
                .body("size()", equalTo(0));

        AppDb app = Databases.create("bad");
        given().contentType(ContentType.JSON).body(Map.of("backupId", UUID.randomUUID().toString()))
                .when().post("/api/databases/" + app.id() + "/restore").then().statusCode(404)
                .contentType("application/problem+json");
        JsonPath backup = Databases.backupNow(app.id());
        given().contentType(ContentType.JSON).body(Map.of("backupId", backup.getString("id"), "target", "sideways"))
                .when().post("/api/databases/" + app.id() + "/restore").then().statusCode(400)
                .body("detail", containsString("in-place or new"));
        given().queryParam("reason", "scheduled")
                .when().post("/api/databases/" + app.id() + "/backups").then().statusCode(400);
        given().when().get("/api/databases/" + app.id() + "/backups").then().body("size()", equalTo(1));
    }

    @Test
    void deletingABackupRemovesItsFile() throws Exception {
        AppDb app = Databases.create("del");
        JsonPath backup = Databases.backupNow(app.id());
        Path file = storageRoot().resolve(app.database()).resolve(backup.getString("fileName"));
        assertTrue(Files.exists(file));
        given().when().delete("/api/databases/" + app.id() + "/backups/" + backup.getString("id"))
                .then().statusCode(204);
        assertFalse(Files.exists(file));
        given().accept(ContentType.JSON).when().get("/api/databases/" + app.id() + "/backups/" + backup.getString("id"))
                .then().statusCode(404);
    }

    static Path storageRoot() {
        return Path.of(ConfigProvider.getConfig().getValue("berth.backup.storage.local-dir", String.class));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
