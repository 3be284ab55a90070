package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.Databases.AppDb;
import dev.berth.embedded.Commands;
import dev.berth.embedded.PostgresCluster;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** POST /api/databases/{id}/imports: a pg_dump file from elsewhere, stored, checked, then restored. */
@QuarkusTest
class ImportIT {

    @Test
    void aDumpFromElsewhereIsStoredCheckedAndRestoredInPlace() throws Exception {
        AppDb legacy = Databases.create("legacy");
        legacy.sql("CREATE TABLE invoices (id int PRIMARY KEY, total numeric)",
                "INSERT INTO invoices SELECT g, g * 10 FROM generate_series(1, 25) g");
        Path dump = dumpOf(legacy);
        AppDb target = Databases.create("target");
        target.sql("CREATE TABLE scratch (x int)");

        JsonPath answer = given().contentType("application/octet-stream").body(Files.readAllBytes(dump))
                .queryParam("target", "in-place").when().post("/api/databases/" + target.id() + "/imports")
                .then().statusCode(202).body("backup.reason", equalTo("import"))
                .body("backup.status", equalTo("completed")).body("restore.target", equalTo("in-place"))
                .extract().jsonPath();
        assertEquals(Files.size(dump), answer.getLong("backup.sizeBytes"));
        assertEquals(BackupAndRestoreIT.sha256(Files.readAllBytes(dump)), answer.getString("backup.sha256"));
        JsonPath done = Databases.awaitRestore(answer.getString("restore.id"));
        assertEquals("COMPLETED", done.getString("phase"), done.prettify());
        assertEquals(List.of("25"), target.column("SELECT count(*) FROM invoices"));
        assertEquals(List.of("0"), target.column("SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'"));
        assertEquals(List.of(target.user()), target.column("SELECT tableowner FROM pg_tables "
                + "WHERE tablename = 'invoices'"), "the imported tables belong to the database's own login");
        List<String> reasons = given().get("/api/databases/" + target.id() + "/backups").then().extract()
                .path("reason");
        assertTrue(reasons.contains("pre-restore") && reasons.contains("import"), reasons.toString());
        Files.deleteIfExists(dump);
    }

    @Test
    void aDumpFromAnInstalledHostCarriesThePoolerSchemaWhichTheTargetHasAlreadyAndItIsLeftOut() throws Exception {
        // On an install, every database made from template1 has PgBouncer's lookup schema: a hand-made one too, so its
        // dump holds CREATE SCHEMA berth_pgbouncer, which the Berth database it is imported into has already.
        String pooler = "CREATE SCHEMA berth_pgbouncer; CREATE FUNCTION berth_pgbouncer.lookup(u text, OUT usename "
                + "text, OUT passwd text) RETURNS record LANGUAGE sql SECURITY DEFINER AS "
                + "'SELECT NULL::text, NULL::text'; REVOKE ALL ON FUNCTION berth_pgbouncer.lookup(text) FROM PUBLIC";
        PostgresCluster pg = TestInfrastructure.get().postgres();
        pg.sql("template1", pooler); // as install/lib/pgbouncer.sh does; taken out again below
        try {
            AppDb legacy = Databases.create("hostmade");
            pg.sql(legacy.database(), "CREATE SCHEMA IF NOT EXISTS berth_pgbouncer"); // a warm-pool database predates the template change
            legacy.sql("CREATE TABLE customers (id int PRIMARY KEY)",
                    "INSERT INTO customers SELECT generate_series(1, 40)");
            Path dump = dumpOf(legacy);
            AppDb target = Databases.create("moved");

            // In place, the database is made again from template1, so it has the schema when the dump is loaded.
            JsonPath answer = given().contentType("application/octet-stream").body(Files.readAllBytes(dump))
                    .queryParam("target", "in-place").when().post("/api/databases/" + target.id() + "/imports")
                    .then().statusCode(202).extract().jsonPath();
            JsonPath done = Databases.awaitRestore(answer.getString("restore.id"));
            assertEquals("COMPLETED", done.getString("phase"), done.prettify());
            assertEquals(List.of("40"), target.column("SELECT count(*) FROM customers"));
            assertEquals("1", pg.sql(target.database(), "SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
                    + "ON n.oid = p.pronamespace WHERE n.nspname = 'berth_pgbouncer' AND p.proname = 'lookup'"),
                    "the target's own lookup function, from the template, once");
            Files.deleteIfExists(dump);
        } finally {
            pg.sql("template1", "DROP SCHEMA berth_pgbouncer CASCADE");
        }
    }

    @Test
    void aFileThatIsNotACustomFormatDumpIsRefusedAndLeavesNothing() throws Exception {
        AppDb shop = Databases.create("shopimp");
        shop.sql("CREATE TABLE kept (id int)", "INSERT INTO kept VALUES (1)");
        Path storage = BackupAndRestoreIT.storageRoot().resolve(shop.database());
        for (byte[] body : List.of("CREATE TABLE evil (x int);\n".getBytes(), "PGDMP".getBytes(), new byte[0])) {
            given().contentType("application/octet-stream").body(body).when()
                    .post("/api/databases/" + shop.id() + "/imports").then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("detail", containsString("not a pg_dump custom-format file"))
                    .body("detail", containsString("Nothing was changed"));
        }
        given().get("/api/databases/" + shop.id() + "/backups").then().statusCode(200).body("size()", equalTo(0));
        long files = Files.exists(storage) ? countFiles(storage) : 0;
        assertEquals(0, files, "a refused upload left a file in " + storage);
        assertEquals(List.of("1"), shop.column("SELECT count(*) FROM kept"));

        given().contentType("application/octet-stream").body("x".getBytes()).queryParam("target", "sideways")
                .when().post("/api/databases/" + shop.id() + "/imports").then().statusCode(400)
                .body("detail", containsString("target must be in-place or new"));
        given().contentType("application/octet-stream").body("x".getBytes()).when()
                .post("/api/databases/3f1c9a52-8a5e-4f57-9d1e-2a8b6f0c7d11/imports").then().statusCode(404);
    }

    private static long countFiles(Path dir) throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.count();
        }
    }

    private static Path dumpOf(AppDb db) throws Exception {
        PostgresCluster pg = TestInfrastructure.get().postgres();
        Path file = Files.createTempFile("import-", ".dump");
        Commands.Result dumped = Commands.tryRun(List.of("pg_dump", "-Fc", "-h", "127.0.0.1", "-p",
                String.valueOf(pg.port()), "-U", db.user(), "-f", file.toString(), db.database()),
                Map.of("PGPASSWORD", db.password()), null, 60, null);
        assertEquals(0, dumped.exitCode(), dumped.output());
        return file;
    }
}
