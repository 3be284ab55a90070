package dev.berth.gateway.routing;

import dev.berth.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.HttpProxy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;

/**
 * The gateway as the single front door: each service's {@code /api} routes are forwarded as they are (Vert.x's
 * reverse proxy, streaming both ways, so a backup download or upload is never buffered here). Backup routes are
 * matched first because they live under {@code /api/databases/{id}/…} too. Authentication belongs here next.
 */
@ApplicationScoped
public class ServiceRoutes {

    /** Paths served by the backup service (regular expressions over the request path). */
    static final List<String> BACKUP = List.of("/api/databases/[^/]+/(backups|restore)(/.*)?", "/api/restores(/.*)?",
            "/api/backup-settings", "/api/backup-schedules(/.*)?", "/api/backups(/.*)?");

    /** Paths served by the registry. */
    static final List<String> REGISTRY = List.of("/api/databases(/.*)?", "/api/instances(/.*)?",
            "/api/reconciliation(/.*)?", "/api/apps(/.*)?");

    void register(@Observes Router router, Vertx vertx, GatewayConfig config) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000)
                .setMaxPoolSize(64));
        ProxyHandler backup = ProxyHandler.create(proxyTo(client, config.services().backup()));
        ProxyHandler registry = ProxyHandler.create(proxyTo(client, config.services().registry()));
        BACKUP.forEach(path -> router.routeWithRegex(path).order(-10).handler(backup));
        REGISTRY.forEach(path -> router.routeWithRegex(path).order(-5).handler(registry));
    }

    private static HttpProxy proxyTo(HttpClient client, String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return HttpProxy.reverseProxy(client).origin(port, uri.getHost());
    }
}
