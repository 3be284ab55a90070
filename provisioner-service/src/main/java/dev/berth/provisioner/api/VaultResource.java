package dev.berth.provisioner.api;

import dev.berth.provisioner.vault.CredentialVault;
import dev.berth.provisioner.service.DatabaseMaintenance;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Vault administration; {@code berth vault rotate-key} calls this. */
@Path("/internal/vault")
@Produces(MediaType.APPLICATION_JSON)
public class VaultResource {

    @Inject
    DatabaseMaintenance maintenance;

    @Inject
    CredentialVault vault;

    @POST
    @Path("/rotate-key")
    @Operation(summary = "Add a new master key and re-seal every secret under it")
    public Uni<CredentialVault.KeyRotation> rotateKey() {
        return vault.rotateKey();
    }

    /** The key backups are encrypted with at rest, base64. */
    public record DataKey(String key) {

        @Override
        public String toString() {
            return "DataKey[hidden]";
        }
    }

    @GET
    @Path("/backup-key")
    @Operation(summary = "The backup encryption key, made on first use and sealed in the vault")
    public Uni<DataKey> backupKey() {
        return maintenance.backupKey().map(DataKey::new);
    }
}
