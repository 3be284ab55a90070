package dev.berth.provisioner.api;

import dev.berth.provisioner.vault.CredentialVault;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
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
    CredentialVault vault;

    @POST
    @Path("/rotate-key")
    @Operation(summary = "Add a new master key and re-seal every secret under it")
    public Uni<CredentialVault.KeyRotation> rotateKey() {
        return vault.rotateKey();
    }
}
