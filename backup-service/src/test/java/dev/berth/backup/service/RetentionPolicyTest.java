package dev.berth.backup.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Retention against a fake clock: one backup a day for 20 days, judged at different "nows". */
class RetentionPolicyTest {

    private static final Instant DAY0 = Instant.parse("2026-01-01T03:00:00Z");

    @Test
    void removesWhatIsOlderThanTheRetentionButKeepsTheNewestN() {
        List<Backup> daily = daily(20, BackupStatus.COMPLETED);
        Clock now = Clock.fixed(DAY0.plus(Duration.ofDays(19)).plusSeconds(3600), ZoneOffset.UTC);

        List<Backup> expired = new RetentionPolicy(7, 3).expired(daily, now);

        // the cutoff is day 12 04:00; day 12's backup finished at 03:01, so days 0..12 go and days 13..19 stay
        assertEquals(days(0, 12), dayNumbers(expired));
    }

    @Test
    void keepLastWinsOverAge() {
        List<Backup> old = daily(5, BackupStatus.COMPLETED);
        Clock muchLater = Clock.fixed(DAY0.plus(Duration.ofDays(365)), ZoneOffset.UTC);
        List<Backup> expired = new RetentionPolicy(7, 3).expired(old, muchLater);
        assertEquals(days(0, 1), dayNumbers(expired), "the newest 3 stay, however old");
    }

    @Test
    void theNewestSuccessfulBackupIsNeverRemovedEvenWhenFailuresFollowIt() {
        List<Backup> backups = new ArrayList<>(daily(1, BackupStatus.COMPLETED));
        for (int d = 1; d < 30; d++) {
            backups.add(backup(d, BackupStatus.FAILED));
        }
        Clock later = Clock.fixed(DAY0.plus(Duration.ofDays(60)), ZoneOffset.UTC);
        List<Backup> expired = new RetentionPolicy(7, 1).expired(backups, later);
        assertTrue(expired.stream().noneMatch(Backup::completed), "the only good backup stays");
        assertEquals(29, expired.size(), "old failed attempts go");
    }

    @Test
    void nothingIsRemovedInsideTheRetentionPeriodAndRunningBackupsAreNeverTouched() {
        List<Backup> backups = new ArrayList<>(daily(5, BackupStatus.COMPLETED));
        backups.add(backup(0, BackupStatus.RUNNING));
        Clock soon = Clock.fixed(DAY0.plus(Duration.ofDays(5)), ZoneOffset.UTC);
        assertEquals(List.of(), new RetentionPolicy(30, 1).expired(backups, soon));
        Clock later = Clock.fixed(DAY0.plus(Duration.ofDays(400)), ZoneOffset.UTC);
        assertTrue(new RetentionPolicy(30, 1).expired(backups, later).stream()
                .noneMatch(b -> b.status() == BackupStatus.RUNNING));
    }

    private static List<Backup> daily(int days, BackupStatus status) {
        List<Backup> list = new ArrayList<>();
        for (int d = days - 1; d >= 0; d--) {
            list.add(backup(d, status));
        }
        return list;
    }

    private static Backup backup(int day, BackupStatus status) {
        OffsetDateTime at = OffsetDateTime.ofInstant(DAY0.plus(Duration.ofDays(day)), ZoneOffset.UTC);
        return new Backup(UUID.randomUUID(), "db", "i", "app_x", status, "scheduled", "k" + day, 1L, 1L, "s", false,
                "15", "15", 1L, 1, 1L, at, status == BackupStatus.RUNNING ? null : at.plusMinutes(1), null, null, null,
                null);
    }

    private static List<Integer> dayNumbers(List<Backup> backups) {
        return backups.stream().map(b -> Integer.parseInt(b.storageKey().substring(1))).sorted()
                .collect(Collectors.toList());
    }

    private static List<Integer> days(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int d = from; d <= to; d++) {
            list.add(d);
        }
        return list;
    }
}
