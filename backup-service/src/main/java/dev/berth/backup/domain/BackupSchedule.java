package dev.berth.backup.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** When a database is backed up and how long its backups are kept. */
@Entity
@Table(name = "backup_schedules")
public class BackupSchedule {

    @Id
    @Column(name = "database_id")
    public String databaseId;

    @Column(name = "database_name")
    public String databaseName;

    public String cron;

    @Column(name = "retention_days")
    public int retentionDays;

    @Column(name = "keep_last")
    public int keepLast;

    public boolean enabled;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
