package dev.berth.gateway.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.gateway.auth.Accounts;
import dev.berth.gateway.auth.Accounts.User;
import dev.berth.gateway.auth.Callers;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

/** People who may use Berth (administrators only). */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {

    public record NewUser(String username, String password, String role) {
    }

    public record Change(String role, String password) {
    }

    @Inject
    Accounts accounts;

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "List users")
    public Uni<List<User>> list() {
        return accounts.users();
    }

    @POST
    @Blocking // hashes the password (PBKDF2, ~0.3 s) and waits for the insert
    @Operation(summary = "Add a user", description = "Role admin, operator or viewer; password at least 12 characters.")
    public Response create(NewUser user) {
        if (user == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "give username, password and role");
        }
        User made = accounts.create(user.username(), user.password(), user.role());
        return Response.created(URI.create("/api/users/" + made.id())).entity(made).build();
    }

    @PATCH
    @Blocking // may hash a new password
    @Path("/{id}")
    @Operation(summary = "Change a user's role or password", description = "A new password ends their sessions.")
    public User update(@PathParam("id") UUID id, Change change) {
        if (change == null || (change.role() == null && change.password() == null)) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "give a new role, a new password, or both");
        }
        return accounts.update(id, change.role(), change.password());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a user", description = "With their sessions and API keys.")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return accounts.delete(id, Callers.caller(identity).userId());
    }
}
