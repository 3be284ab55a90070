package dev.berth.registry.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.domain.AppDatabase.Status;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DriftTest {

    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-11-24T10:00:00Z");

    @Test
    void reportsEachKindOfDisagreement() {
        AppDatabase shop = db("app_shop", "berth_shop", "berth_shop_r2", Status.READY, NOW.minusDays(1));
        AppDatabase gone = db("app_gone", "berth_gone", null, Status.READY, NOW.minusDays(1));
        AppDatabase stuck = db("app_stuck", "berth_stuck", null, Status.PENDING, NOW.minusHours(1));
        Drift drift = Drift.compare(UUID.randomUUID(), "default", List.of(shop, gone, stuck),
                List.of("postgres", "app_shop", "app_rogue", "berth_registry", "berth_pool_abc"),
                List.of("postgres", "berth_shop", "berth_shop_r2", "berth_registry", "berth_intruder", "berth_shop_r3x"),
                List.of(), NOW.minusMinutes(5));

        assertEquals(List.of("app_rogue"), drift.unknownDatabases());
        assertEquals(List.of("berth_intruder", "berth_shop_r3x"), drift.unknownRoles());
        assertEquals(List.of("app_gone"), drift.missingDatabases());
        assertEquals(List.of("berth_gone"), drift.missingRoles());
        assertEquals(List.of(stuck.id()), drift.stuckPending());
    }

    @Test
    void aCatalogThatMatchesIsClean() {
        AppDatabase shop = db("app_shop", "berth_shop", null, Status.READY, NOW.minusDays(1));
        Drift drift = Drift.compare(UUID.randomUUID(), "default", List.of(shop), List.of("app_shop", "berth_backup"),
                List.of("berth_shop", "berth_backup"), List.of(), NOW.minusMinutes(5));
        assertTrue(drift.clean(), drift.toString());
    }

    @Test
    void aPooledDatabasePgBouncerCannotCheckLoginsForIsReported() {
        AppDatabase pooled = db("app_shop", "berth_shop", null, Status.READY, NOW.minusDays(1), true);
        AppDatabase direct = db("app_blog", "berth_blog", null, Status.READY, NOW.minusDays(1), false);
        // Both lack the lookup role's CONNECT; only the pooled one's apps are affected.
        Drift drift = Drift.compare(UUID.randomUUID(), "default", List.of(pooled, direct), List.of("app_shop", "app_blog"),
                List.of("berth_shop", "berth_blog"), List.of("app_shop", "app_blog"), NOW.minusMinutes(5));
        assertEquals(List.of("app_shop"), drift.notPoolable());
        assertEquals(1, drift.items());
    }

    private static AppDatabase db(String database, String role, String login, Status status, OffsetDateTime created) {
        return db(database, role, login, status, created, false);
    }

    private static AppDatabase db(String database, String role, String login, Status status, OffsetDateTime created,
            boolean pooled) {
        return new AppDatabase(UUID.randomUUID(), UUID.randomUUID(), "default", "127.0.0.1", 5432, "x", "production",
                database, role, login, status, null, "prefer", created, null, null, "postgresql", false, pooled);
    }
}
