package dev.berth.gateway.routing;

import dev.berth.gateway.config.GatewayConfig;
import dev.berth.security.InternalTokens;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.function.Supplier;

/**
 * The gateway as the single front door: each service's {@code /api} routes are forwarded as they are
 * ({@link ServiceForwarder}: streaming both ways, a timeout per service, failures as problems naming the service).
 * Backup routes are matched first because they live under {@code /api/databases/{id}/…} too. The access rules have
 * been applied by then; what the service gets instead of the caller's credentials is an internal token naming the
 * person and role.
 */
@ApplicationScoped
public class ServiceRoutes {

    /** Paths served by the backup service (regular expressions over the request path). */
    public static final List<String> BACKUP = List.of("/api/databases/[^/]+/(backups|restore|imports)(/.*)?",
            "/api/restores(/.*)?",
            "/api/backup-settings", "/api/backup-schedules(/.*)?", "/api/backups(/.*)?");

    /** Paths served by the registry. */
    public static final List<String> REGISTRY = List.of("/api/databases(/.*)?", "/api/instances(/.*)?",
            "/api/reconciliation(/.*)?", "/api/apps(/.*)?");

    void register(@Observes Router router, Vertx vertx, GatewayConfig config, InternalTokens tokens) {
        // One client per event loop: a pooled connection serves whichever loop asks, so with one shared client a
        // request taken on one loop was written, and its answer read, on another — two thread hand-offs per request,
        // a fifth of the gateway's CPU under load in futexes and wake-ups (profiled, issue 18). Each loop's own
        // client makes its connections on that loop, and a forwarded request never leaves the thread that took it.
        HttpClientOptions options = new HttpClientOptions().setConnectTimeout(2000).setMaxPoolSize(32);
        ThreadLocal<HttpClient> perLoop = ThreadLocal.withInitial(() -> vertx.createHttpClient(options));
        Supplier<HttpClient> client = perLoop::get;
        Handler<RoutingContext> backup = new ServiceForwarder(client, "backup", config.services().backup(),
                config.routes().backup().timeout(), tokens);
        Handler<RoutingContext> registry = new ServiceForwarder(client, "registry", config.services().registry(),
                config.routes().registry().timeout(), tokens);
        BACKUP.forEach(path -> router.routeWithRegex(path).order(-10).handler(backup));
        REGISTRY.forEach(path -> router.routeWithRegex(path).order(-5).handler(registry));
    }
}
