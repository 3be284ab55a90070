package dev.berth.gateway.api;

import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.gateway.audit.AuditTrail;
import dev.berth.gateway.auth.Accounts.Caller;
import dev.berth.gateway.auth.Accounts;
import dev.berth.gateway.auth.Callers;
import dev.berth.gateway.auth.LoginThrottle;
import dev.berth.gateway.config.GatewayConfig;
import dev.berth.security.InternalTokens;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Signing in and out, who am I, changing one's password. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class AuthResource {

    /** The audience of session tokens: only the gateway accepts them (services want internal tokens). */
    public static final String AUDIENCE = "berth-gateway";

    public record Login(String username, String password) {
    }

    /** {@code passwordChangeRequired}: a generated first password; change it before anything else. */
    public record Session(String token, String tokenType, Instant expiresAt, String username, String role,
            boolean passwordChangeRequired) {
    }

    /** {@code onboarded}: the welcome wizard was finished or skipped. */
    public record Me(String username, String role, String via, boolean passwordChangeRequired, boolean onboarded) {
    }

    public record PasswordChange(String currentPassword, String newPassword) {
    }

    @Inject
    Accounts accounts;

    @Inject
    AuditTrail audit;

    @Inject
    LoginThrottle throttle;

    @Inject
    GatewayConfig config;

    @Inject
    SecurityIdentity identity;

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign in", description = "Returns a bearer token for the other routes (12 h by default).")
    public Session login(Login login, @Context HttpServerRequest request) {
        if (login == null || login.username() == null || login.password() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "give username and password");
        }
        String address = AuditTrail.address(request);
        Duration wait = throttle.refusedFor(login.username(), address);
        if (!wait.isZero()) {
            record(login.username(), "throttled", address);
            long seconds = Math.max(1, wait.toSeconds());
            throw new WebApplicationException(Response.status(429).header("Retry-After", seconds)
                    .type(Problem.MEDIA_TYPE).entity(Problem.of(ProblemType.TOO_MANY_ATTEMPTS, "too many failed "
                            + "sign-ins for this user or from this address; try again in " + seconds + " s"))
                    .build());
        }
        Caller caller = accounts.checkPassword(login.username(), login.password());
        if (caller == null) {
            throttle.failed(login.username(), address);
            record(login.username(), "refused", address);
            throw new ProblemException(ProblemType.UNAUTHENTICATED, "unknown user or wrong password");
        }
        throttle.succeeded(login.username());
        UUID session = UUID.randomUUID();
        Instant expires = Instant.now().plus(config.auth().sessionLifetime());
        accounts.startSession(session, caller.userId(), expires).await().indefinitely();
        String token = Jwt.issuer(InternalTokens.ISSUER).audience(AUDIENCE).subject(caller.username())
                .upn(caller.username()).groups(caller.role()).claim("jti", session.toString()).expiresAt(expires)
                .sign();
        record(caller.username(), "signed in", address);
        boolean mustChange = accounts.firstRun(caller.userId()).await().indefinitely().passwordChangeRequired();
        return new Session(token, "Bearer", expires, caller.username(), caller.role(), mustChange);
    }

    @POST
    @Path("/logout")
    @Operation(summary = "Sign out", description = "Ends this session: its token is refused from now on.")
    public void logout() {
        UUID session = Callers.session(identity);
        if (session == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "this request was made with an API key; revoke it with DELETE /api/api-keys/{id}");
        }
        accounts.endSession(session).await().indefinitely();
    }

    @GET
    @Path("/me")
    @Operation(summary = "Who am I", description = "The user, role and kind of credential of this request.")
    public Me me() {
        Caller caller = Callers.caller(identity);
        Accounts.FirstRun firstRun = accounts.firstRun(caller.userId()).await().indefinitely();
        return new Me(caller.username(), caller.role(), Callers.via(identity), firstRun.passwordChangeRequired(),
                firstRun.onboarded());
    }

    @POST
    @Path("/onboarded")
    @Operation(summary = "Welcome wizard done", description = "Finished or skipped: the dashboard does not show it "
            + "again to this person.")
    public void onboarded() {
        accounts.onboarded(Callers.caller(identity).userId()).await().indefinitely();
    }

    @POST
    @Path("/password")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change my password", description = "Ends my other sessions.")
    public void changePassword(PasswordChange change) {
        if (change == null || change.currentPassword() == null || change.newPassword() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "give currentPassword and newPassword");
        }
        Caller caller = Callers.caller(identity);
        if (!accounts.changePassword(caller.userId(), change.currentPassword(), change.newPassword(),
                Callers.session(identity))) {
            throw new ProblemException(ProblemType.FORBIDDEN, "the current password is wrong");
        }
    }

    private void record(String username, String outcome, String address) {
        // The name tried is kept (it may be mistyped), never the password.
        String actor = username.length() > 64 ? username.substring(0, 64) : username;
        audit.record(actor, null, "sign in", "/api/auth/login", outcome, address).await().indefinitely();
    }
}
