package dev.berth.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.contracts.provisioning.ProvisionedLogin;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.service.ConnectionStrings;
import dev.berth.registry.service.CredentialHandOver;
import dev.berth.registry.service.DatabaseSamples;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A database as the API shows it; {@code credentials}/{@code connection} only where a response may reveal them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatabaseView(UUID id, String app, String environment, InstanceRef instance, String database,
        String role, String username, String status, Integer connectionLimit, String sslmode, boolean pooled,
        OffsetDateTime createdAt, OffsetDateTime lastBackupAt, String deletionError, ProvisionerClient.Stats stats,
        String statsUnavailable,
        Credentials credentials, ConnectionStrings connection, List<String> handedTo,
        Map<String, String> notHandedTo, DatabaseSamples.Latest latest) {

    public record InstanceRef(UUID id, String name) {
    }

    /** Shown once at create, and again only through the audited credentials endpoint. */
    public record Credentials(String username, String password, String retiringUsername,
            OffsetDateTime retiringUntil) {

        @Override
        public String toString() {
            return "Credentials[" + username + "]";
        }
    }

    static DatabaseView of(AppDatabase d) {
        return new DatabaseView(d.id(), d.app(), d.environment(), new InstanceRef(d.instanceId(), d.instanceName()),
                d.databaseName(), d.roleName(), d.username(), d.status().db(), d.connectionLimit(), d.sslmode(), d.pooled(),
                d.createdAt(), d.lastBackupAt(), d.deletionError(), null, null, null, null, null, null, null);
    }

    DatabaseView withStats(ProvisionerClient.Stats s, String unavailable) {
        return new DatabaseView(id, app, environment, instance, database, role, username, status, connectionLimit,
                sslmode, pooled, createdAt, lastBackupAt, deletionError, s, unavailable, null, null, null, null, latest);
    }

    static DatabaseView withSecrets(AppDatabase d, ProvisionedLogin login, String connectHost,
            java.util.Optional<Integer> poolerPort) {
        return new DatabaseView(d.id(), d.app(), d.environment(), new InstanceRef(d.instanceId(), d.instanceName()),
                d.databaseName(), d.roleName(), login.username(), d.status().db(), d.connectionLimit(), d.sslmode(), d.pooled(),
                d.createdAt(), d.lastBackupAt(), d.deletionError(), null, null,
                new Credentials(login.username(), login.password(), login.retiringRole(), login.retireAfter()),
                ConnectionStrings.forClients(d, login, connectHost, poolerPort), null, null, null);
    }

    /** After a rotation: the apps that were recreated with the new credentials, and those that were not (why). */
    DatabaseView withHandOver(CredentialHandOver.HandOver handOver) {
        return new DatabaseView(id, app, environment, instance, database, role, username, status, connectionLimit,
                sslmode, pooled, createdAt, lastBackupAt, deletionError, stats, statsUnavailable, credentials, connection,
                handOver.updated(), handOver.notUpdated().isEmpty() ? null : handOver.notUpdated(), latest);
    }

    /** With the newest sampled figures (the list shows size and connections without asking every server). */
    DatabaseView withLatest(DatabaseSamples.Latest sample) {
        return new DatabaseView(id, app, environment, instance, database, role, username, status, connectionLimit,
                sslmode, pooled, createdAt, lastBackupAt, deletionError, stats, statsUnavailable, credentials, connection,
                handedTo, notHandedTo, sample);
    }
}
