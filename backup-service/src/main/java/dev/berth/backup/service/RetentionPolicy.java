package dev.berth.backup.service;

import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which backups of one database may go: completed ones older than the retention period, except the newest
 * {@code keepLast} (and never the newest successful one, whatever the settings say); failed attempts once they are
 * older than the retention period. Queued and running backups are never touched.
 */
public record RetentionPolicy(int retentionDays, int keepLast) {

    public List<Backup> expired(List<Backup> backups, Clock clock) {
        Instant cutoff = clock.instant().minus(Duration.ofDays(retentionDays));
        List<Backup> completed = backups.stream().filter(b -> b.status() == BackupStatus.COMPLETED)
                .sorted(Comparator.comparing(Backup::finishedAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
        List<Backup> expired = new ArrayList<>();
        for (int i = Math.max(1, keepLast); i < completed.size(); i++) {
            if (olderThan(completed.get(i).finishedAt(), cutoff)) {
                expired.add(completed.get(i));
            }
        }
        backups.stream().filter(b -> b.status() == BackupStatus.FAILED)
                .filter(b -> olderThan(b.startedAt(), cutoff)).forEach(expired::add);
        return expired;
    }

    private static boolean olderThan(OffsetDateTime time, Instant cutoff) {
        return time != null && time.toInstant().isBefore(cutoff);
    }
}
