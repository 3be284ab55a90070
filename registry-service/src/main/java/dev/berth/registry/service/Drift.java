package dev.berth.registry.service;

import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.domain.AppDatabase.Status;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Where the catalog and an instance disagree: Berth-looking objects ({@code app_*} databases, {@code berth_*}
 * roles) the catalog does not know, catalog rows whose database or role is gone, creates stuck in pending, and
 * pooled databases PgBouncer cannot check logins for (its lookup role may not connect there: {@code notPoolable}).
 */
public record Drift(UUID instanceId, String instanceName, String status, String error, List<String> unknownDatabases,
        List<String> unknownRoles, List<String> missingDatabases, List<String> missingRoles, List<UUID> stuckPending,
        List<String> notPoolable) {

    /** Roles of Berth's own services, which live on the default instance in the embedded run. */
    static final Set<String> SERVICE_ROLES = Set.of("berth_registry", "berth_provisioner", "berth_backup",
            "berth_gateway");

    public boolean clean() {
        return error == null && unknownDatabases.isEmpty() && unknownRoles.isEmpty() && missingDatabases.isEmpty()
                && missingRoles.isEmpty() && stuckPending.isEmpty() && notPoolable.isEmpty();
    }

    public int items() {
        return unknownDatabases.size() + unknownRoles.size() + missingDatabases.size() + missingRoles.size()
                + stuckPending.size() + notPoolable.size();
    }

    static Drift unreachable(UUID instanceId, String name, String error) {
        return new Drift(instanceId, name, "unreachable", error, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
    }

    static Drift compare(UUID instanceId, String name, List<AppDatabase> catalog, List<String> databases,
            List<String> roles, List<String> unpoolable, OffsetDateTime stuckBefore) {
        Set<String> knownDatabases = new HashSet<>();
        Set<String> knownRoles = new HashSet<>(SERVICE_ROLES);
        List<UUID> stuck = new ArrayList<>();
        for (AppDatabase db : catalog) {
            knownDatabases.add(db.databaseName());
            knownRoles.add(db.roleName());
            if (db.status() == Status.PENDING && db.createdAt() != null && db.createdAt().isBefore(stuckBefore)) {
                stuck.add(db.id());
            }
        }
        Set<String> onServerDatabases = new HashSet<>(databases);
        Set<String> onServerRoles = new HashSet<>(roles);
        List<String> unknownDatabases = databases.stream()
                .filter(d -> d.startsWith("app_") && !knownDatabases.contains(d)).sorted().toList();
        List<String> unknownRoles = roles.stream()
                .filter(r -> r.startsWith("berth_") && !knownRoles.contains(r) && !isRotationLogin(r, knownRoles))
                .sorted().toList();
        List<String> missingDatabases = new ArrayList<>();
        List<String> missingRoles = new ArrayList<>();
        for (AppDatabase db : catalog) {
            if (db.status() == Status.PENDING) {
                continue;
            }
            if (!onServerDatabases.contains(db.databaseName())) {
                missingDatabases.add(db.databaseName());
            }
            if (!onServerRoles.contains(db.username())) {
                missingRoles.add(db.username());
            }
        }
        Set<String> cannotPool = new HashSet<>(unpoolable);
        List<String> notPoolable = catalog.stream()
                .filter(db -> db.pooled() && db.status() == Status.READY && cannotPool.contains(db.databaseName()))
                .map(AppDatabase::databaseName).sorted().toList();
        return new Drift(instanceId, name, "ready", null, unknownDatabases, unknownRoles, missingDatabases,
                missingRoles, stuck, notPoolable);
    }

    /** {@code <owner>_r<generation>}: a zero-downtime rotation's login for a known owner role. */
    private static boolean isRotationLogin(String role, Set<String> owners) {
        int at = role.lastIndexOf("_r");
        return at > 0 && role.substring(at + 2).matches("[0-9]+") && owners.contains(role.substring(0, at));
    }
}
