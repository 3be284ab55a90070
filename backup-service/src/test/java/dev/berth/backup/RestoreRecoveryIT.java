package dev.berth.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.Databases.AppDb;
import dev.berth.backup.client.ProvisionerClient;
import dev.berth.backup.service.RestoreJob;
import dev.berth.backup.service.RestoreService;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

/**
 * A restore interrupted after the database was emptied (the service died between recreate and pg_restore) is
 * picked up from its persisted phase: it finishes, or — when its backup cannot be used any more — rolls the
 * database back to the pre-restore backup. The crash is staged by writing the job as it would be left behind.
 */
@QuarkusTest
class RestoreRecoveryIT {

    @Inject
    RestoreService restores;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    @Test
    void anInterruptedRestoreResumesAndFinishes() throws Exception {
        AppDb db = Databases.create("resume");
        db.sql("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1), (2)");
        String target = Databases.backupNow(db.id()).getString("id");
        db.sql("INSERT INTO t VALUES (3)");
        String pre = Databases.backupNow(db.id()).getString("id");
        UUID job = crashedJob(db, target, pre);

        restores.resume(restores.find(job).orElseThrow());
        JsonPath done = Databases.awaitRestore(job.toString());

        assertEquals("COMPLETED", done.getString("phase"), done.prettify());
        assertEquals(List.of("1", "2"), db.column("SELECT id FROM t ORDER BY id"));
    }

    @Test
    void anInterruptedRestoreWhoseBackupIsDamagedRollsBackToThePreRestoreBackup() throws Exception {
        AppDb db = Databases.create("rollb");
        db.sql("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
        JsonPath target = Databases.backupNow(db.id());
        db.sql("INSERT INTO t VALUES (2)");
        String pre = Databases.backupNow(db.id()).getString("id");
        Path file = BackupAndRestoreIT.storageRoot().resolve(db.database()).resolve(target.getString("fileName"));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 3] ^= 0x10;
        Files.write(file, bytes);
        UUID job = crashedJob(db, target.getString("id"), pre);

        restores.resume(restores.find(job).orElseThrow());
        JsonPath done = Databases.awaitRestore(job.toString());

        assertEquals("ROLLED_BACK", done.getString("phase"), done.prettify());
        assertTrue(done.getString("error").contains("put back as it was"), done.getString("error"));
        assertEquals(List.of("1", "2"), db.column("SELECT id FROM t ORDER BY id"), "as before the restore began");
    }

    /** The state a crash between "database emptied" and "pg_restore finished" leaves: an empty database, a job in RESTORING. */
    private UUID crashedJob(AppDb db, String backupId, String preRestoreBackupId) throws Exception {
        provisioner.recreate(db.id());
        assertEquals(List.of("0"), db.column("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        UUID job = UUID.randomUUID();
        TestInfrastructure.get().postgres().sql("berth_backup", "INSERT INTO restore_jobs (id, database_id, backup_id, "
                + "target, phase, pre_restore_backup_id) VALUES ('" + job + "', '" + db.id() + "', '" + backupId
                + "', 'in-place', 'RESTORING', '" + preRestoreBackupId + "')");
        RestoreJob stored = restores.find(job).orElseThrow();
        assertEquals("RESTORING", stored.phase().name());
        return job;
    }
}
