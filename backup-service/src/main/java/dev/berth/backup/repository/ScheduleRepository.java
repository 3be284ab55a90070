package dev.berth.backup.repository;

import dev.berth.backup.domain.BackupSchedule;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ScheduleRepository implements PanacheRepositoryBase<BackupSchedule, String> {
}
