package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.Databases.AppDb;
import dev.berth.backup.storage.BackupStorage;
import dev.berth.testing.S3ProxyProcess;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Backups in a real S3-compatible server (S3Proxy), encrypted at rest with the key from the provisioner's vault. */
@QuarkusTest
@TestProfile(EncryptedS3StorageIT.EncryptedS3.class)
class EncryptedS3StorageIT {

    static final String BUCKET = "berth-it-backups";

    /** S3 storage with encryption on. */
    public static class EncryptedS3 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            S3ProxyProcess s3 = S3ProxyProcess.get();
            return Map.of("berth.backup.storage.kind", "s3",
                    "berth.backup.storage.encrypt", "true",
                    "berth.backup.storage.s3.endpoint", s3.endpoint(),
                    "berth.backup.storage.s3.bucket", BUCKET,
                    "berth.backup.storage.s3.access-key", S3ProxyProcess.ACCESS_KEY,
                    "berth.backup.storage.s3.secret-key", S3ProxyProcess.SECRET_KEY,
                    "berth.backup.storage.s3.part-size", String.valueOf(5 * 1024 * 1024));
        }
    }

    @Inject
    BackupStorage storage;

    @Test
    void aBackupGoesToTheBucketEncryptedAndComesBackPlainAndRestorable() throws Exception {
        AppDb db = Databases.create("s3");
        db.sql("CREATE TABLE notes (id int, body text)",
                "INSERT INTO notes SELECT i, md5(i::text) FROM generate_series(1, 5000) i");
        JsonPath backup = Databases.backupNow(db.id());
        assertEquals("completed", backup.getString("status"), backup.prettify());
        assertTrue(backup.getBoolean("encrypted"));

        Path stored;
        try (Stream<Path> files = Files.walk(S3ProxyProcess.get().dataDir().resolve(BUCKET))) {
            stored = files.filter(p -> p.toString().contains(db.database()) && p.toString().endsWith(".dump.enc"))
                    .findFirst().orElseThrow();
        }
        byte[] atRest = Files.readAllBytes(stored);
        assertFalse(new String(Arrays.copyOf(atRest, 5)).equals("PGDMP"), "not a readable dump at rest");

        byte[] plain = given().accept("application/octet-stream").when()
                .get("/api/databases/" + db.id() + "/backups/" + backup.getString("id")).then().statusCode(200)
                .extract().asByteArray();
        assertEquals("PGDMP", new String(Arrays.copyOf(plain, 5)));
        assertEquals(backup.getString("sha256"), BackupAndRestoreIT.sha256(plain));
        assertNotEquals(atRest.length, plain.length);

        db.sql("TRUNCATE notes");
        String job = given().contentType(ContentType.JSON).body(Map.of("backupId", backup.getString("id")))
                .when().post("/api/databases/" + db.id() + "/restore").then().statusCode(202).extract().path("id");
        assertEquals("COMPLETED", Databases.awaitRestore(job).getString("phase"));
        assertEquals(List.of("5000"), db.column("SELECT count(*) FROM notes"));
    }

    @Test
    void largeObjectsGoUpInPartsAndAnAbortedUploadLeavesNothing() throws Exception {
        byte[] data = new byte[11 * 1024 * 1024 + 123];
        new Random(1).nextBytes(data);
        BackupStorage.Upload upload = storage.create("it/multipart.bin");
        try (OutputStream out = upload.stream()) {
            out.write(data);
        }
        assertEquals(data.length, upload.commit());
        assertEquals(data.length, storage.size("it/multipart.bin"));
        try (InputStream in = storage.open("it/multipart.bin", 7 * 1024 * 1024)) {
            assertArrayEquals(Arrays.copyOfRange(data, 7 * 1024 * 1024, data.length), in.readAllBytes());
        }

        BackupStorage.Upload aborted = storage.create("it/aborted.bin");
        aborted.stream().write(data);
        aborted.abort();
        assertFalse(storage.exists("it/aborted.bin"), "an aborted upload never becomes an object");

        storage.delete("it/multipart.bin");
        assertFalse(storage.exists("it/multipart.bin"));
    }
}
