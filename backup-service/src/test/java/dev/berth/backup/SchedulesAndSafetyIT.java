package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.Databases.AppDb;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Schedules, the parallelism bound, health, verification and the backup-then-delete saga, end to end. */
@QuarkusTest
class SchedulesAndSafetyIT {

    @Test
    void aNewDatabaseGetsAScheduleThatInheritsTheGlobalSettingsAndCanOverrideThem() {
        AppDb db = Databases.create("sched");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/backup-schedules/" + db.id())
                .then().statusCode(200).body("cron", equalTo("0 3 * * *")).body("retentionDays", equalTo(7))
                .body("keepLast", equalTo(3)).body("enabled", equalTo(true))
                .body("databaseName", equalTo(db.database())).body("overrides.cron", nullValue()));

        given().contentType(ContentType.JSON).body(Map.of("cron", "weekly", "retentionDays", 30))
                .when().put("/api/backup-schedules/" + db.id()).then().statusCode(200)
                .body("cron", equalTo("0 3 * * 0")).body("retentionDays", equalTo(30)).body("keepLast", equalTo(3))
                .body("overrides.cron", equalTo("0 3 * * 0"));
        given().contentType(ContentType.JSON).body(Map.of("cron", "every tuesday"))
                .when().put("/api/backup-schedules/" + db.id()).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("five-field cron"));
        given().contentType(ContentType.JSON).body(Map.of("keepLast", 0))
                .when().put("/api/backup-settings").then().statusCode(400);
        given().get("/api/backup-schedules/" + db.id()).then().body("cron", equalTo("0 3 * * 0"));
        // A database the service does not know: 404, and no schedule appears for it.
        String unknown = java.util.UUID.randomUUID().toString();
        given().contentType(ContentType.JSON).body(Map.of("cron", "weekly"))
                .when().put("/api/backup-schedules/" + unknown).then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("no backup schedule"));
        given().get("/api/backup-schedules/" + unknown).then().statusCode(404);
    }

    @Test
    void dueSchedulesRunButNeverMoreThanTheParallelismBoundAtOnce() throws Exception {
        List<AppDb> dbs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AppDb db = Databases.create("par");
            db.sql("CREATE TABLE t (x text)", "INSERT INTO t SELECT md5(i::text) FROM generate_series(1, 200000) i");
            dbs.add(db);
        }
        for (AppDb db : dbs) {
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/backup-schedules/" + db.id())
                    .statusCode() == 200);
            sql("UPDATE backup_schedules SET next_run_at = now() - interval '1 minute' WHERE database_id = '"
                    + db.id() + "'");
        }
        // No direct call: the service's own @Scheduled tick (every 2 s in tests) has to find and run them.
        AtomicInteger maxRunning = new AtomicInteger();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            maxRunning.accumulateAndGet(Integer.parseInt(sql("SELECT count(*) FROM backups WHERE status = 'running'")),
                    Math::max);
            return dbs.stream().allMatch(db -> "completed".equals(sql("SELECT string_agg(status, ',') FROM backups "
                    + "WHERE reason = 'scheduled' AND database_id = '" + db.id() + "'")));
        });
        assertTrue(maxRunning.get() <= 2, "never more than 2 pg_dumps at once, saw " + maxRunning.get());
        // Their intervals overlap at most two at a time, too.
        String overlap = sql("SELECT coalesce(max(c), 0) FROM (SELECT (SELECT count(*) FROM backups b2 WHERE "
                + "b2.started_at <= b1.started_at AND b2.finished_at > b1.started_at AND b2.status = 'completed') c "
                + "FROM backups b1 WHERE b1.status = 'completed') x");
        assertTrue(Integer.parseInt(overlap) <= 2, "overlap " + overlap);
        for (AppDb db : dbs) {
            given().get("/api/backup-schedules/" + db.id()).then().body("lastBackupAt", notNullValue())
                    .body("nextRunAt", notNullValue());
        }

        // With the scheduled runs, the instance's roles were dumped too (pg_dumpall --globals-only).
        await().atMost(Duration.ofSeconds(60)).until(() -> !given().get("/api/backups/globals").then()
                .statusCode(200).extract().jsonPath().getList("storageKey").isEmpty());
        String key = given().get("/api/backups/globals").then().extract().path("[0].storageKey");
        String globals = java.nio.file.Files.readString(BackupAndRestoreIT.storageRoot().resolve(key));
        assertTrue(globals.contains("CREATE ROLE " + dbs.get(0).user()), "the app roles can be rebuilt from it");
    }

    @Test
    void healthListsADatabaseWhoseScheduleNeverFiredUntilItHasABackup() {
        AppDb db = Databases.create("health");
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/backup-schedules/" + db.id())
                .statusCode() == 200);
        // Hourly, made three hours ago, never run: the scheduler was "down" the whole time.
        given().contentType(ContentType.JSON).body(Map.of("cron", "0 * * * *"))
                .when().put("/api/backup-schedules/" + db.id()).then().statusCode(200);
        sql("UPDATE backup_schedules SET created_at = now() - interval '3 hours', next_run_at = now() + interval '1 day' "
                + "WHERE database_id = '" + db.id() + "'");

        given().get("/api/backups/health").then().statusCode(200).body("backupsEnabled", equalTo(true))
                .body("overdue.databaseId", hasItem(db.id()))
                .body("overdue.find { it.databaseId == '" + db.id() + "' }.reason",
                        containsString("no backup was even attempted"));

        Databases.backupNow(db.id());
        given().get("/api/backups/health").then().body("overdue.databaseId", not(hasItem(db.id())));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("berth_backups{status=\"completed\"}"), "gauge per state");
        assertTrue(metrics.contains("berth_backup_databases_overdue"));
    }

    @Test
    void verificationRestoresIntoAScratchDatabaseAndRecordsTheResult() throws Exception {
        AppDb db = Databases.create("verify");
        db.sql("CREATE TABLE a (id int)", "CREATE TABLE b (id int)", "INSERT INTO a SELECT generate_series(1, 500)");
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/backup-schedules/" + db.id())
                .statusCode() == 200);
        JsonPath backup = Databases.backupNow(db.id());
        String url = "/api/databases/" + db.id() + "/backups/" + backup.getString("id");

        given().when().post(url + "/verify").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().accept(ContentType.JSON).get(url).then()
                .body("verification.status", equalTo("passed"))
                .body("verification.detail", containsString("2 tables")));
        given().get("/api/backup-schedules/" + db.id()).then().body("lastVerifiedRestorableAt", notNullValue());
        assertEquals("0", sqlPostgres("SELECT count(*) FROM pg_database WHERE datname LIKE 'berth\\_scratch\\_%'"),
                "the scratch database is gone");
    }

    @Test
    void aDamagedBackupFailsVerificationAndSaysWhy() throws Exception {
        AppDb db = Databases.create("vbad");
        db.sql("CREATE TABLE a (id int)");
        JsonPath backup = Databases.backupNow(db.id());
        java.nio.file.Path file = BackupAndRestoreIT.storageRoot().resolve(db.database())
                .resolve(backup.getString("fileName"));
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[bytes.length - 20] ^= 0x04;
        java.nio.file.Files.write(file, bytes);
        String url = "/api/databases/" + db.id() + "/backups/" + backup.getString("id");

        given().when().post(url + "/verify").then().statusCode(202);
        given().accept(ContentType.JSON).queryParam("waitSeconds", 60).get(url).then()
                .body("verification.status", equalTo("failed"))
                .body("verification.detail", containsString("does not match the sha256"));
    }

    @Test
    void backupThenDeleteDropsTheDatabaseOnlyAfterItsPreDeleteBackupCompleted() {
        AppDb db = Databases.create("gone");
        given().baseUri(Databases.registry()).queryParam("policy", "backup-then-delete")
                .when().delete("/api/databases/" + db.id()).then().statusCode(202);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(Databases.registry())
                .get("/api/databases/" + db.id()).then().statusCode(404));
        assertTrue(!Databases.databaseExists(db.database()), "dropped");
        List<String> reasons = given().get("/api/databases/" + db.id() + "/backups").then().extract()
                .path("findAll { it.status == 'completed' }.reason");
        assertEquals(List.of("pre-delete"), reasons, "the last copy of the deleted database is kept");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/backup-schedules/" + db.id())
                .then().body("enabled", equalTo(false)));
    }

    private static String sql(String statement) {
        return TestInfrastructure.get().postgres().sql("berth_backup", statement);
    }

    private static String sqlPostgres(String statement) {
        return TestInfrastructure.get().postgres().sql("postgres", statement);
    }
}
