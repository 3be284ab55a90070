package dev.berth.gateway.audit;

import dev.berth.gateway.auth.Callers;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The audit log: who changed what through the gateway (every POST, PUT, PATCH and DELETE under {@code /api}, its
 * outcome and where it came from), every reveal of stored credentials, and every sign-in attempt. Paths only, never
 * bodies or query strings, so no secret lands here.
 */
@ApplicationScoped
public class AuditTrail {

    /** An entry as the API shows it. */
    public record Entry(long id, String actor, String via, String action, String target, String outcome,
            String address, OffsetDateTime at) {
    }

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    private static final Set<HttpMethod> CHANGES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final Pattern REVEAL = Pattern.compile("/api/databases/[^/]+/credentials/?");
    /** Sign-in records itself (it knows the name that was tried). */
    static final String LOGIN = "/api/auth/login";

    private final Pool db;

    public AuditTrail(Pool db) {
        this.db = db;
    }

    void register(@Observes Router router) {
        router.route("/api/*").order(-100).handler(this::watch);
    }

    private void watch(RoutingContext context) {
        String path = context.normalizedPath();
        boolean audited = (CHANGES.contains(context.request().method()) && !path.equals(LOGIN))
                || (context.request().method() == HttpMethod.GET && REVEAL.matcher(path).matches());
        if (audited) {
            String address = address(context.request());
            String action = context.request().method().name() + " " + path;
            context.addEndHandler(done -> {
                SecurityIdentity identity = context.user() instanceof QuarkusHttpUser user
                        ? user.getSecurityIdentity() : null;
                boolean known = identity != null && !identity.isAnonymous();
                record(known ? identity.getPrincipal().getName() : "anonymous",
                        known ? Callers.credential(identity) : null, action, path,
                        String.valueOf(context.response().getStatusCode()), address)
                        .subscribe().with(ok -> { }, failure -> LOG.warnf("audit entry for %s not written: %s",
                                action, failure.getMessage()));
            });
        }
        context.next();
    }

    /** Where a request came from, as the audit log keeps it. */
    public static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    public Uni<Void> record(String actor, String via, String action, String target, String outcome, String address) {
        return db.preparedQuery("INSERT INTO audit_log (actor, via, action, target, outcome, address) "
                        + "VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.from(Arrays.asList(actor, via, action, target, outcome, address))).replaceWithVoid();
    }

    /** Newest first; optionally one actor's. */
    public Uni<List<Entry>> newest(int limit, String actor) {
        return db.preparedQuery("SELECT id, actor, via, action, target, outcome, address, at FROM audit_log "
                        + "WHERE $2::text IS NULL OR actor = $2 ORDER BY id DESC LIMIT $1")
                .execute(Tuple.of(limit, actor))
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>();
                    for (Row r : rows) {
                        entries.add(new Entry(r.getLong("id"), r.getString("actor"), r.getString("via"),
                                r.getString("action"), r.getString("target"), r.getString("outcome"),
                                r.getString("address"), r.getOffsetDateTime("at")));
                    }
                    return entries;
                });
    }
}
