package dev.berth.backup.service;

import dev.berth.backup.storage.BackupStorage;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * {@code backup-storage} in {@code /q/health} and {@code /q/health/well}: DOWN while the newest backup that ran out of
 * room is newer than the newest one that completed (the storage is full until a backup gets through again), with when
 * and why; the local directory's free and total bytes either way. A wellness check, not readiness: with a full disk
 * the service still restores and downloads what it has.
 */
@Wellness
@ApplicationScoped
public class BackupStorageCheck implements AsyncHealthCheck {

    @Inject
    Pool db;

    @Inject
    BackupStorage storage;

    @Override
    public Uni<HealthCheckResponse> call() {
        return db.preparedQuery("SELECT (SELECT max(finished_at) FROM backups WHERE status = 'failed' AND starts_with("
                        + "error, $1)) AS full_at, (SELECT max(finished_at) FROM backups WHERE status = 'completed') "
                        + "AS completed_at").execute(Tuple.of(BackupRunner.STORAGE_FULL))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    OffsetDateTime fullAt = row.getOffsetDateTime("full_at");
                    OffsetDateTime completedAt = row.getOffsetDateTime("completed_at");
                    HealthCheckResponseBuilder answer = HealthCheckResponse.named("backup-storage")
                            .withData("kind", storage.kind());
                    space(answer);
                    if (fullAt != null && (completedAt == null || fullAt.isAfter(completedAt))) {
                        return answer.down().withData("problem", BackupRunner.STORAGE_FULL + ": a backup ran out of "
                                + "room at " + fullAt + " and none has completed since").build();
                    }
                    return answer.up().build();
                });
    }

    private void space(HealthCheckResponseBuilder answer) {
        // The bean is a proxy: ask it, rather than testing its class.
        if (storage.localDirectory().isPresent()) {
            try {
                FileStore store = Files.getFileStore(storage.localDirectory().get());
                answer.withData("freeBytes", store.getUsableSpace()).withData("totalBytes", store.getTotalSpace());
            } catch (IOException e) {
                answer.withData("space", "unknown: " + e.getMessage());
            }
        }
    }
}
