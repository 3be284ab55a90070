package dev.berth.security;

import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemType;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request bodies of the API ({@code /api/*}, {@code /internal/*}) are JSON documents of a few KiB: one declaring
 * more than {@code berth.http.max-body-size} (default 1 MiB) is refused at once with 413 and a problem naming the
 * limit, before anything is read or forwarded. Responses (backup downloads) are streams and have no limit. A body
 * sent without a length is capped by Quarkus' own {@code quarkus.http.limits.max-body-size}.
 */
@ApplicationScoped
public class BodyLimits {

    @ConfigProperty(name = "berth.http.max-body-size", defaultValue = "1M")
    MemorySize limit;

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpMethod method = context.request().method();
        String path = context.normalizedPath();
        String length = context.request().getHeader("Content-Length");
        boolean api = path.startsWith("/api/") || path.startsWith("/internal/");
        if (!api || length == null || method == HttpMethod.GET || method == HttpMethod.HEAD) {
            context.next();
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            context.next(); // Vert.x answers a malformed length itself
            return;
        }
        long max = limit.asLongValue();
        if (declared <= max) {
            context.next();
            return;
        }
        Problem problem = Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "the body is " + declared + " bytes; " + method
                + " " + path + " accepts at most " + max + " bytes (berth.http.max-body-size)");
        // The body is not read: the connection closes after the answer.
        AccessProblems.send(context.response().putHeader("Connection", "close"), problem);
    }
}
