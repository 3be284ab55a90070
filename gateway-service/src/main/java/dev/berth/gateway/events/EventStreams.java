package dev.berth.gateway.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.gateway.auth.Accounts;
import dev.berth.gateway.auth.ApiKeyAuthentication;
import dev.berth.gateway.auth.Callers;
import dev.berth.gateway.auth.SignInChanged;
import dev.berth.gateway.config.GatewayConfig;
import dev.berth.security.AccessProblems;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /api/events}: Server-Sent Events, one per activity entry, as it is recorded. Each stream is a Vert.x
 * response written from the event loop (no thread per stream); {@link ActivityFeed} wakes them all with one query.
 * {@code Last-Event-ID} (header, or {@code ?lastEventId=} for clients that cannot set headers) replays what was
 * missed from the activity table. Access rules have been applied before this handler runs (any signed-in role).
 */
@ApplicationScoped
public class EventStreams {

    static final String PATH = "/api/events";

    private final ActivityFeed feed;
    private final Accounts accounts;
    private final GatewayConfig config;
    private final ObjectMapper json;
    private final Set<OpenStream> open = ConcurrentHashMap.newKeySet();

    public EventStreams(ActivityFeed feed, Accounts accounts, GatewayConfig config, ObjectMapper json) {
        this.feed = feed;
        this.accounts = accounts;
        this.config = config;
        this.json = json;
    }

    void register(@Observes Router router) {
        router.route(HttpMethod.GET, PATH).order(-20).handler(this::open);
    }

    /** A sign-in changed: the streams it may concern check their credential now. */
    void signInChanged(@Observes SignInChanged change) {
        open.stream().filter(s -> s.concerns(change)).forEach(OpenStream::recheckSoon);
    }

    public int openStreams() {
        return open.size();
    }

    private void open(RoutingContext ctx) {
        if (!(ctx.user() instanceof QuarkusHttpUser user) || user.getSecurityIdentity().isAnonymous()) {
            AccessProblems.send(ctx.response(), Problem.of(ProblemType.UNAUTHENTICATED, "sign in first"));
            return;
        }
        if (open.size() >= config.events().maxStreams()) {
            AccessProblems.send(ctx.response(), Problem.of(ProblemType.TOO_MANY_STREAMS, "this gateway already serves "
                    + open.size() + " event streams; try again later"));
            return;
        }
        Long lastEventId;
        try {
            lastEventId = lastEventId(ctx);
        } catch (NumberFormatException e) {
            AccessProblems.send(ctx.response(), Problem.of(ProblemType.INVALID_REQUEST,
                    "Last-Event-ID must be the number of an event this stream sent"));
            return;
        }
        SecurityIdentity identity = user.getSecurityIdentity();
        OpenStream stream = new OpenStream(ctx, Callers.caller(identity), Callers.session(identity),
                ctx.request().getHeader(ApiKeyAuthentication.HEADER), this);
        open.add(stream);
        stream.start(lastEventId);
    }

    private static Long lastEventId(RoutingContext ctx) {
        String value = ctx.request().getHeader("Last-Event-ID");
        if (value == null || value.isBlank()) {
            value = ctx.request().getParam("lastEventId");
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        long id = Long.parseLong(value.strip());
        if (id < 0) {
            throw new NumberFormatException("negative");
        }
        return id;
    }

    void closed(OpenStream stream) {
        open.remove(stream);
        feed.forget(stream);
    }

    ActivityFeed feed() {
        return feed;
    }

    Accounts accounts() {
        return accounts;
    }

    GatewayConfig config() {
        return config;
    }

    ObjectMapper json() {
        return json;
    }
}
