package dev.berth.gateway.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.gateway.auth.Accounts;
import dev.berth.gateway.auth.Accounts.ApiKey;
import dev.berth.gateway.auth.Accounts.Caller;
import dev.berth.gateway.auth.Accounts.NewApiKey;
import dev.berth.gateway.auth.Callers;
import dev.berth.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** API keys for scripts: anyone makes and revokes their own; administrators see and revoke everyone's. */
@Path("/api/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ApiKeyResource {

    public record NewKey(String name, String role) {
    }

    @Inject
    Accounts accounts;

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "List API keys", description = "Mine; an administrator sees all. Never the keys themselves.")
    public Uni<List<ApiKey>> list() {
        return accounts.keys(isAdmin() ? null : me().userId());
    }

    @POST
    @Operation(summary = "Make an API key", description = "Send it as X-API-Key. Shown once. Role defaults to mine, "
            + "and cannot be more than mine.")
    public Uni<Response> create(NewKey key) {
        if (key == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "give the key a name");
        }
        return accounts.createKey(me(), key.name(), key.role())
                .map((NewApiKey made) -> Response.created(URI.create("/api/api-keys/" + made.id())).entity(made)
                        .build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API key", description = "Refused from the next request on.")
    public Uni<Void> revoke(@PathParam("id") UUID id) {
        return accounts.revokeKey(id, isAdmin() ? null : me().userId()).map(revoked -> {
            if (!revoked) {
                throw new ProblemException(ProblemType.NOT_FOUND, "no live API key " + id + " of yours");
            }
            return null;
        });
    }

    private Caller me() {
        return Callers.caller(identity);
    }

    private boolean isAdmin() {
        return identity.hasRole(Roles.ADMIN);
    }
}
