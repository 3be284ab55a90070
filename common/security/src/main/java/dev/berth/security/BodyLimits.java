package dev.berth.security;

import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemType;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request bodies of the API ({@code /api/*}, {@code /internal/*}) are JSON documents of a few KiB: one declaring
 * more than {@code berth.http.max-body-size} (default 1 MiB) is refused at once with 413 and a problem naming the
 * limit, before anything is read or forwarded; uploads ({@code /api/databases/{id}/imports}) have their own
 * {@code berth.http.max-upload-size} (default 50 GiB). Responses (backup downloads) are streams and have no limit. A
 * body sent without a length is capped by Quarkus' own {@code quarkus.http.limits.max-body-size} (raised to the upload
 * limit in the gateway and the backup service, which pass uploads on).
 */
@ApplicationScoped
public class BodyLimits {

    @ConfigProperty(name = "berth.http.max-body-size", defaultValue = "1M")
    MemorySize limit;

    /** Routes that take files (a pg_dump to import), with their own, larger limit. */
    static final Pattern UPLOADS = Pattern.compile("/api/databases/[^/]+/imports/?");

    @ConfigProperty(name = "berth.http.max-upload-size", defaultValue = "50G")
    MemorySize uploadLimit;

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
        boolean upload = UPLOADS.matcher(path).matches();
        long max = upload ? uploadLimit.asLongValue() : limit.asLongValue();
        if (declared <= max) {
            context.next();
            return;
        }
        Problem problem = Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "the body is " + declared + " bytes; " + method
                + " " + path + " accepts at most " + max + " bytes (" + (upload ? "berth.http.max-upload-size"
                : "berth.http.max-body-size") + ")");
        // The body is not read: the connection closes after the answer.
        AccessProblems.send(context.response().putHeader("Connection", "close"), problem);
    }
}
