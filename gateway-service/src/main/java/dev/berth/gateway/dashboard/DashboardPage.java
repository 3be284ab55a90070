package dev.berth.gateway.dashboard;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the dashboard's page ({@code /}) with a strict Content-Security-Policy: scripts from this origin only, plus
 * the one inline import map, allowed by its hash. The import map (bare names such as {@code lit} → the versioned files
 * of the mvnpm jars) is the one the web-dependency-locator extension generates; its own loader inserts it with a
 * script, which such a policy forbids, so it is read once from the extension's route and inlined here instead.
 */
@ApplicationScoped
public class DashboardPage {

    static final String IMPORT_MAP_ROUTE = "/_importmap/generated_importmap.js";
    private static final Pattern IMPORTS = Pattern.compile("JSON\\.stringify\\((\\{.*\\})\\);", Pattern.DOTALL);

    private volatile String page;
    private volatile String policy;

    void register(@Observes Router router) {
        router.route(HttpMethod.GET, "/").order(-30).handler(this::serve);
        router.route(HttpMethod.GET, "/index.html").order(-30).handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        if (page != null) {
            send(ctx);
            return;
        }
        importMap(ctx).onSuccess(map -> {
            String script = "<script type=\"importmap\">" + map + "</script>";
            page = template().replace("<!--importmap-->", script).replace("<!--preload-->", preloads(map));
            policy = "default-src 'self'; script-src 'self' 'sha256-" + sha256(map) + "'; style-src 'self'; "
                    + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                    + "frame-ancestors 'none'; form-action 'self'";
            send(ctx);
        }).onFailure(ctx::fail);
    }

    private void send(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", policy)
                .putHeader("Cache-Control", "no-cache")
                .end(page);
    }

    /** The import map's JSON, asked of this very server (the extension's route), once. */
    private Future<String> importMap(RoutingContext ctx) {
        HttpClient client = ctx.vertx().createHttpClient();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                .setPort(ctx.request().localAddress().port()).setURI(IMPORT_MAP_ROUTE);
        return client.request(options).compose(req -> req.send()).compose(HttpClientResponse::body)
                .map(Buffer::toString).map(js -> {
                    Matcher m = IMPORTS.matcher(js);
                    if (!m.find()) {
                        throw new IllegalStateException("the import map route did not answer with an import map");
                    }
                    return m.group(1).strip();
                }).onComplete(done -> client.close());
    }

    /** {@code modulepreload} links for the import map's files (Lit's packages), fetched beside the page's own. */
    static String preloads(String importMap) {
        StringBuilder links = new StringBuilder();
        Matcher files = Pattern.compile("\"(/_static/[^\"]+\\.js)\"").matcher(importMap);
        while (files.find()) {
            links.append("<link rel=\"modulepreload\" href=\"").append(files.group(1)).append("\">\n  ");
        }
        return links.toString().strip();
    }

    private static String template() {
        try (InputStream in = DashboardPage.class.getClassLoader().getResourceAsStream("dashboard/index.html")) {
            if (in == null) {
                throw new IllegalStateException("dashboard/index.html is not in the gateway's build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
