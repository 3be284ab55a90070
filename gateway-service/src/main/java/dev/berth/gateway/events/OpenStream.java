package dev.berth.gateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.berth.gateway.auth.Accounts.Caller;
import dev.berth.gateway.auth.SignInChanged;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One client's event stream. Everything it writes happens on the context of its request (the feed hands entries over
 * with {@code runOnContext}), so writes never interleave. While a resume replays from the table, live entries wait in
 * a queue and are sent after it, each once. A client too slow to keep up is closed (it resumes with Last-Event-ID);
 * a sign-in that ended or a role that changed closes the stream with a last {@code signed-out} event.
 */
final class OpenStream implements Consumer<SseFrame> {

    private static final Logger LOG = Logger.getLogger(OpenStream.class);

    private final HttpServerResponse response;
    private final Context context;
    private final Caller caller;
    private final UUID session;
    private final String apiKey;
    private final EventStreams streams;
    private final ArrayDeque<SseFrame> waiting = new ArrayDeque<>();
    private final Set<Long> replayed = new HashSet<>();
    private boolean replaying = true;
    private boolean closed;
    private long heartbeat = -1;

    OpenStream(RoutingContext ctx, Caller caller, UUID session, String apiKey, EventStreams streams) {
        this.response = ctx.response();
        this.context = Vertx.currentContext();
        this.caller = caller;
        this.session = session;
        this.apiKey = apiKey;
        this.streams = streams;
    }

    void start(Long lastEventId) {
        response.setChunked(true).setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache, no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(v -> close(null));
        response.exceptionHandler(e -> close(null));
        response.write("retry: 3000\n: connected as " + caller.role() + "\n\n");
        streams.feed().listen(this);
        long every = streams.config().events().heartbeat().toMillis();
        heartbeat = context.owner().setPeriodic(every, id -> beat());
        if (lastEventId == null) {
            endReplay();
            return;
        }
        int limit = streams.config().events().replayLimit();
        streams.feed().after(lastEventId, limit).subscribe().with(missed -> context.runOnContext(v -> {
            missed.forEach(e -> {
                replayed.add(e.seq());
                write(e);
            });
            if (missed.size() == limit) {
                // More was missed than is replayed: the client should load its lists again.
                named("reset", "{\"reason\":\"more than " + limit + " events were missed\"}");
            }
            endReplay();
        }), e -> context.runOnContext(v -> {
            LOG.warnf("replaying activity after %d failed: %s", lastEventId, e.getMessage());
            named("reset", "{\"reason\":\"the missed events could not be read\"}");
            endReplay();
        }));
    }

    @Override
    public void accept(SseFrame event) {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            if (replaying) {
                waiting.add(event);
            } else if (!replayed.contains(event.seq())) {
                write(event);
            }
        });
    }

    boolean concerns(SignInChanged change) {
        return Objects.equals(change.session(), session) && session != null
                || Objects.equals(change.userId(), caller.userId());
    }

    void recheckSoon() {
        context.runOnContext(v -> recheck());
    }

    private void endReplay() {
        replaying = false;
        while (!waiting.isEmpty() && !closed) {
            SseFrame e = waiting.poll();
            if (!replayed.contains(e.seq())) {
                write(e);
            }
        }
    }

    private void write(SseFrame event) {
        if (closed) {
            return;
        }
        if (response.writeQueueFull()) {
            LOG.debugf("closing the event stream of %s: it does not keep up", caller.username());
            close(null);
            return;
        }
        response.write(event.text());
    }

    private void named(String event, String data) {
        if (!closed) {
            response.write("event: " + event + "\ndata: " + data + "\n\n");
        }
    }

    private void beat() {
        if (closed) {
            return;
        }
        response.write(": heartbeat\n\n");
        recheck();
    }

    /** The stream lives as long as the credential it was opened with, with the same role. */
    private void recheck() {
        if (closed) {
            return;
        }
        Uni<Caller> now = session != null ? streams.accounts().session(session)
                : apiKey != null ? streams.accounts().byKey(apiKey) : Uni.createFrom().nullItem();
        now.subscribe().with(current -> context.runOnContext(v -> {
            if (current == null) {
                close("the sign-in has ended");
            } else if (!current.role().equals(caller.role())) {
                close("the role changed from " + caller.role() + " to " + current.role() + "; sign in again");
            }
        }), e -> LOG.debugf("checking the sign-in of an event stream failed: %s", e.getMessage()));
    }

    private void close(String why) {
        if (closed) {
            return;
        }
        if (why != null) {
            named("signed-out", "{\"reason\":" + quote(why) + "}");
        }
        closed = true;
        if (heartbeat >= 0) {
            context.owner().cancelTimer(heartbeat);
        }
        streams.closed(this);
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }

    private String quote(String text) {
        try {
            return streams.json().writeValueAsString(text);
        } catch (JsonProcessingException e) {
            return "\"\"";
        }
    }
}
