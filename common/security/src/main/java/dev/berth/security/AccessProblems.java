package dev.berth.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemType;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refusals by the access rules answer as problem documents like every other Berth error: 401 with
 * {@code WWW-Authenticate: Bearer} when the caller is unknown or their token is bad or expired, 403 when their role
 * does not allow the request.
 */
@ApplicationScoped
public class AccessProblems {

    private static final ObjectMapper JSON = new ObjectMapper();

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::refuse);
    }

    private void refuse(RoutingContext context) {
        Throwable failure = context.failure();
        if (context.response().headWritten()) {
            context.next();
            return;
        }
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException) {
            unauthenticated(context.response());
        } else if (failure instanceof ForbiddenException) {
            send(context.response(), Problem.of(ProblemType.FORBIDDEN, "your role does not allow "
                    + context.request().method() + " " + context.normalizedPath()));
        } else {
            context.next();
        }
    }

    /** 401 for no, a bad or an expired credential: from the challenge and from failed authentication alike. */
    static void unauthenticated(HttpServerResponse response) {
        send(response.putHeader("WWW-Authenticate", "Bearer"), Problem.of(ProblemType.UNAUTHENTICATED,
                "this needs a valid token (Authorization: Bearer …) or API key (X-API-Key); sign in at "
                        + "POST /api/auth/login"));
    }

    /** Ends a response on the router (before JAX-RS) with a problem document; for every Berth module. */
    public static void send(HttpServerResponse response, Problem problem) {
        response.setStatusCode(problem.status());
        try {
            response.putHeader("Content-Type", Problem.MEDIA_TYPE).end(JSON.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            response.end();
        }
    }
}
