package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.testing.PodmanService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Backups of app databases on dedicated MariaDB and Redis instances (made through the real registry and provisioner
 * on real Podman), with the real mariadb-dump and Redis' own DUMP/RESTORE: back up, change, restore, and the data is
 * as it was at backup time; verification restores into a scratch copy; a Redis restore leaves other apps' keys alone.
 */
@QuarkusTest
class EngineBackupsIT {

    @Test
    void mariadbBackupChangeRestoreInPlaceAndIntoANewDatabase() {
        JsonPath instance = instance("mariadb");
        String container = instance.getString("instance.container");
        JsonPath db = database("wiki", instance.getString("instance.id"));
        String name = db.getString("database");
        admin(container, "mariadb " + name + " -e \"CREATE TABLE notes (id int PRIMARY KEY, body text); "
                + "INSERT INTO notes VALUES (1, 'first'), (2, 'second'), (3, 'third')\"");

        JsonPath backup = Databases.backupNow(db.getString("id"));
        assertEquals("completed", backup.getString("status"), backup.prettify());
        assertTrue(backup.getString("fileName").matches(name + "-\\d{8}-\\d{6}\\.sql"), backup.getString("fileName"));
        assertEquals(1, backup.getInt("tableCount"));
        Path file = BackupAndRestoreIT.storageRoot().resolve(name).resolve(backup.getString("fileName"));
        assertTrue(read(file).contains("CREATE TABLE `notes`"), "a plain SQL dump of the database");

        admin(container, "mariadb " + name + " -e \"DELETE FROM notes WHERE id = 1; UPDATE notes SET body = 'changed' "
                + "WHERE id = 2; CREATE TABLE junk (x int)\"");
        restore(db.getString("id"), backup.getString("id"), "in-place");
        assertEquals("1:first 2:second 3:third", admin(container, "mariadb -N " + name + " -e \"SELECT "
                + "group_concat(concat(id, ':', body) ORDER BY id SEPARATOR ' ') FROM notes\"").strip());
        assertEquals("0", admin(container, "mariadb -N -e \"SELECT count(*) FROM information_schema.tables WHERE "
                + "table_schema = '" + name + "' AND table_name = 'junk'\"").strip());
        // The app's own login still works after the restore (its grants are on the database's name).
        String asApp = "MYSQL_PWD=$(cat) mariadb -N -h 127.0.0.1 -u " + db.getString("credentials.username") + " "
                + name + " -e 'SELECT count(*) FROM notes'";
        assertEquals("3", exec(container, db.getString("credentials.password"), asApp).strip());

        verify(db.getString("id"), backup.getString("id"), "restored 1 tables");

        String job = given().contentType(ContentType.JSON).body(Map.of("backupId", backup.getString("id"), "target",
                "new", "environment", "copy")).when().post("/api/databases/" + db.getString("id") + "/restore")
                .then().statusCode(202).extract().path("id");
        JsonPath done = Databases.awaitRestore(job);
        assertEquals("COMPLETED", done.getString("phase"), done.prettify());
        JsonPath copy = given().baseUri(Databases.registry()).when().get("/api/databases/"
                + done.getString("newDatabaseId")).then().statusCode(200).extract().jsonPath();
        assertEquals("3", admin(container, "mariadb -N " + copy.getString("database")
                + " -e 'SELECT count(*) FROM notes'").strip(), "the new database has the backup's rows");
        remove(instance.getString("instance.id"));
    }

    @Test
    void redisBackupRestoresOnlyItsOwnKeysWithTheirTimeToLive() {
        JsonPath instance = instance("redis");
        String container = instance.getString("instance.container");
        JsonPath cache = database("cache", instance.getString("instance.id"));
        JsonPath other = database("other", instance.getString("instance.id"));
        String mine = cache.getString("connection.env.REDIS_KEY_PREFIX");
        String theirs = other.getString("connection.env.REDIS_KEY_PREFIX");
        redis(container, "SET " + mine + "greeting hello");
        redis(container, "SET " + mine + "session token EX 3600");
        redis(container, "RPUSH " + mine + "queue a b c");
        redis(container, "SET " + theirs + "k theirs-before");

        JsonPath backup = Databases.backupNow(cache.getString("id"));
        assertEquals("completed", backup.getString("status"), backup.prettify());
        assertEquals(3, backup.getInt("tableCount"), "three keys");

        redis(container, "SET " + mine + "greeting changed");
        redis(container, "DEL " + mine + "queue");
        redis(container, "SET " + mine + "added 1");
        redis(container, "SET " + theirs + "k theirs-after");
        restore(cache.getString("id"), backup.getString("id"), "in-place");

        assertEquals("hello", redis(container, "GET " + mine + "greeting"));
        assertEquals("a\nb\nc", redis(container, "LRANGE " + mine + "queue 0 -1"));
        assertEquals("0", redis(container, "EXISTS " + mine + "added"), "keys made after the backup are gone");
        long ttl = Long.parseLong(redis(container, "TTL " + mine + "session"));
        assertTrue(ttl > 3000 && ttl <= 3600, "the time to live came back with the key: " + ttl);
        assertEquals("theirs-after", redis(container, "GET " + theirs + "k"), "another app's keys are not touched");

        verify(cache.getString("id"), backup.getString("id"), "restored 3 keys");
        assertEquals("0", redis(container, "EVAL \"return #redis.call('keys', 'berth_scratch_*')\" 0"),
                "the scratch copy is gone");
        remove(instance.getString("instance.id"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static JsonPath instance(String engine) {
        return given().baseUri(Databases.registry()).contentType(ContentType.JSON)
                .body(Map.of("name", engine.substring(0, 2) + UUID.randomUUID().toString().substring(0, 6)
                        .replaceAll("[^a-z0-9]", "a"), "engine", engine, "memoryLimit", "512m"))
                .when().post("/api/instances").then().statusCode(201).body("instance.status", equalTo("ready"))
                .extract().jsonPath();
    }

    private static JsonPath database(String prefix, String instanceId) {
        return given().baseUri(Databases.registry()).contentType(ContentType.JSON)
                .body(Map.of("app", prefix + UUID.randomUUID().toString().substring(0, 6), "instance", instanceId))
                .when().post("/api/databases").then().statusCode(201).extract().jsonPath();
    }

    private static void restore(String databaseId, String backupId, String target) {
        String job = given().contentType(ContentType.JSON).body(Map.of("backupId", backupId, "target", target))
                .when().post("/api/databases/" + databaseId + "/restore").then().statusCode(202).extract().path("id");
        JsonPath done = Databases.awaitRestore(job);
        assertEquals("COMPLETED", done.getString("phase"), done.prettify());
    }

    private static void verify(String databaseId, String backupId, String detail) {
        given().when().post("/api/databases/" + databaseId + "/backups/" + backupId + "/verify").then()
                .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200),
                        org.hamcrest.Matchers.is(202)));
        Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> "passed".equals(given()
                .accept(ContentType.JSON).when().get("/api/databases/" + databaseId + "/backups/" + backupId).then()
                .extract().path("verification.status")));
        String said = given().accept(ContentType.JSON).when().get("/api/databases/" + databaseId + "/backups/"
                + backupId).then().extract().path("verification.detail");
        assertTrue(said.startsWith(detail), said);
    }

    private static void remove(String instanceId) {
        given().baseUri(Databases.registry()).queryParam("force", true).when().delete("/api/instances/" + instanceId)
                .then().statusCode(204);
    }

    /** A command as the instance's admin, inside its container (MariaDB's root logs in over the socket there). */
    private static String admin(String container, String command) {
        return exec(container, null, command);
    }

    /** A Redis command as the admin; the password comes from the instance's own secret file, not a command line. */
    private static String redis(String container, String command) {
        return exec(container, null, "REDISCLI_AUTH=$(cat /run/secrets/berth-admin-password) redis-cli --user admin "
                + command).strip();
    }

    private static String exec(String container, String stdin, String script) {
        Commands.Result result = Commands.tryRun(List.of("podman", "--url", "unix://" + PodmanService.get().socket(),
                "exec", "-i", container, "sh", "-c", script), null, 60, stdin);
        assertEquals(0, result.exitCode(), result.output());
        return result.output();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
