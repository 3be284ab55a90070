package dev.berth.gateway.routing;

import dev.berth.gateway.auth.ApiKeyAuthentication;
import dev.berth.gateway.config.GatewayConfig;
import dev.berth.security.InternalTokens;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.HttpProxy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;

/**
 * The gateway as the single front door: each service's {@code /api} routes are forwarded as they are (Vert.x's
 * reverse proxy, streaming both ways, so a backup download or upload is never buffered here). Backup routes are
 * matched first because they live under {@code /api/databases/{id}/…} too. The access rules have been applied by
 * then; what the service gets instead of the caller's credentials is an internal token naming the person and role.
 */
@ApplicationScoped
public class ServiceRoutes {

    /** Paths served by the backup service (regular expressions over the request path). */
    static final List<String> BACKUP = List.of("/api/databases/[^/]+/(backups|restore)(/.*)?", "/api/restores(/.*)?",
            "/api/backup-settings", "/api/backup-schedules(/.*)?", "/api/backups(/.*)?");

    /** Paths served by the registry. */
    static final List<String> REGISTRY = List.of("/api/databases(/.*)?", "/api/instances(/.*)?",
            "/api/reconciliation(/.*)?", "/api/apps(/.*)?");

    void register(@Observes Router router, Vertx vertx, GatewayConfig config, InternalTokens tokens) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000)
                .setMaxPoolSize(64));
        Handler<RoutingContext> backup = forward(ProxyHandler.create(proxyTo(client, config.services().backup())),
                tokens);
        Handler<RoutingContext> registry = forward(ProxyHandler.create(proxyTo(client,
                config.services().registry())), tokens);
        BACKUP.forEach(path -> router.routeWithRegex(path).order(-10).handler(backup));
        REGISTRY.forEach(path -> router.routeWithRegex(path).order(-5).handler(registry));
    }

    private static Handler<RoutingContext> forward(ProxyHandler proxy, InternalTokens tokens) {
        return context -> {
            SecurityIdentity identity = context.user() instanceof QuarkusHttpUser user
                    ? user.getSecurityIdentity() : null;
            if (identity == null || identity.isAnonymous()) {
                // The access rules let nothing anonymous through to here; never forward without a person anyway.
                context.fail(new UnauthorizedException());
                return;
            }
            MultiMap headers = context.request().headers();
            headers.remove(ApiKeyAuthentication.HEADER);
            headers.remove(HttpHeaders.COOKIE);
            headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.onBehalfOf(identity.getPrincipal().getName(),
                    identity.getRoles()));
            proxy.handle(context);
        };
    }

    private static HttpProxy proxyTo(HttpClient client, String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return HttpProxy.reverseProxy(client).origin(port, uri.getHost());
    }
}
