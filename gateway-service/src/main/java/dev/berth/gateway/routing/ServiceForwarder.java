package dev.berth.gateway.routing;

import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.Unreachable;
import dev.berth.gateway.auth.ApiKeyAuthentication;
import dev.berth.security.AccessProblems;
import dev.berth.security.InternalTokens;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Forwards one service's {@code /api} routes, streaming both ways (a backup download is never buffered here). The
 * caller's credentials are replaced by an internal token naming the person and role; {@code X-Request-Id} goes
 * along. When the service cannot be reached, does not answer within the route's timeout, or breaks off before its
 * answer, the caller gets a problem document naming the service (503, 504, 502); a stream that breaks after its
 * head was sent ends with the connection closed, so a client never takes a cut-off download for a whole one.
 */
final class ServiceForwarder implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger(ServiceForwarder.class);
    /** Hop-by-hop fields (RFC 9110 §7.6.1) and what the gateway replaces: never copied across. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "cookie",
            ApiKeyAuthentication.HEADER.toLowerCase(Locale.ROOT), "authorization");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "transfer-encoding",
            "upgrade", "trailer");

    private final Supplier<HttpClient> client;
    private final String service;
    private final String host;
    private final int port;
    private final Duration timeout;
    private final String timeoutKey;
    private final InternalTokens tokens;

    ServiceForwarder(Supplier<HttpClient> client, String service, String url, Duration timeout, InternalTokens tokens) {
        URI uri = URI.create(url);
        this.client = client;
        this.service = service;
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 80;
        this.timeout = timeout;
        this.timeoutKey = "berth.gateway.routes." + service + ".timeout";
        this.tokens = tokens;
    }

    @Override
    public void handle(RoutingContext context) {
        SecurityIdentity identity = context.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        if (identity == null || identity.isAnonymous()) {
            // The access rules let nothing anonymous through to here; never forward without a person anyway.
            context.fail(new UnauthorizedException());
            return;
        }
        HttpServerRequest in = context.request();
        in.pause();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setHost(host).setPort(port)
                .setURI(in.uri()).setIdleTimeout(timeout.toMillis());
        client.get().request(options).onSuccess(out -> {
            copyRequestHeaders(in.headers(), out.headers());
            out.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.onBehalfOf(identity.getPrincipal().getName(),
                    identity.getRoles()));
            boolean hasBody = in.headers().contains(HttpHeaders.CONTENT_LENGTH)
                    || in.headers().contains(HttpHeaders.TRANSFER_ENCODING);
            if (hasBody && !in.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                out.setChunked(true);
            }
            (hasBody ? out.send(in) : sendWithoutBody(in, out))
                    .onSuccess(answer -> relay(context, answer))
                    .onFailure(failure -> failed(context, failure));
        }).onFailure(failure -> failed(context, failure));
    }

    private static io.vertx.core.Future<HttpClientResponse> sendWithoutBody(HttpServerRequest in,
            HttpClientRequest out) {
        in.resume();
        return out.send();
    }

    private static void copyRequestHeaders(MultiMap from, MultiMap to) {
        from.forEach(field -> {
            if (!NOT_FORWARDED.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                to.add(field.getKey(), field.getValue());
            }
        });
    }

    private void relay(RoutingContext context, HttpClientResponse answer) {
        HttpServerResponse response = context.response();
        response.setStatusCode(answer.statusCode());
        response.setStatusMessage(answer.statusMessage());
        answer.headers().forEach(field -> {
            if (!NOT_RETURNED.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                response.headers().add(field.getKey(), field.getValue());
            }
        });
        if (!answer.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        answer.pipeTo(response).onFailure(failure -> {
            // The head is gone already: a problem cannot be sent any more, so the answer is reset unfinished
            // (HTTP/1.1: the connection closes before its length is reached; HTTP/2: the stream is reset).
            LOG.warnf("the %s service broke off its answer to %s %s: %s", service, context.request().method(),
                    context.request().uri(), failure.getMessage());
            abort(context);
        });
    }

    private void failed(RoutingContext context, Throwable failure) {
        HttpServerResponse response = context.response();
        if (response.headWritten()) {
            abort(context);
            return;
        }
        Problem problem;
        if (isTimeout(failure)) {
            problem = Problem.of(ProblemType.DEPENDENCY_TIMEOUT, "the " + service + " service did not answer within "
                    + timeout.toSeconds() + " s (" + timeoutKey + ")");
        } else if (Unreachable.is(failure)) {
            problem = Problem.of(ProblemType.DEPENDENCY_UNAVAILABLE, "the " + service + " service cannot be reached ("
                    + failure.getMessage() + "); is it running?");
        } else {
            problem = Problem.of(ProblemType.DEPENDENCY_FAILED, "the " + service + " service closed the connection "
                    + "before it answered (" + failure.getMessage() + ")");
        }
        LOG.warnf("%s %s → %s: %s", context.request().method(), context.request().uri(), service, failure.getMessage());
        AccessProblems.send(response, problem);
    }

    /** Vert.x's reset ends an HTTP/2 stream, but leaves an HTTP/1.1 connection open: that one is closed too. */
    private static void abort(RoutingContext context) {
        context.response().reset();
        context.request().connection().close();
    }

    private static boolean isTimeout(Throwable failure) {
        return failure instanceof TimeoutException
                || failure.getClass().getName().contains("Timeout")
                || String.valueOf(failure.getMessage()).contains("timeout period");
    }
}
