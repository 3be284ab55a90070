package dev.berth.gateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.outbox.quarkus.ListenConnections;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The activity table as a live feed, shared by every open event stream of this gateway: one {@code LISTEN} connection
 * (the table's insert trigger notifies {@code berth_activity} with the new entry's number when its transaction
 * commits, whichever gateway recorded it), one query per batch of new entries, and a call to each listener. A
 * periodic catch-up covers notifications lost while the listening connection was reconnecting. An entry whose number
 * is below one already sent (its transaction committed later) is still sent once. Each entry is turned into its SSE
 * frame once, here, not once per stream.
 */
@ApplicationScoped
public class ActivityFeed {

    private static final Logger LOG = Logger.getLogger(ActivityFeed.class);
    static final String CHANNEL = "berth_activity";
    private static final int BATCH = 500;
    private static final int REMEMBERED = 10_000;

    private final Pool db;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final Config config;
    private final Set<Consumer<SseFrame>> listeners = ConcurrentHashMap.newKeySet();
    /** Numbers sent lately, so a notification and a catch-up never send one entry twice. */
    private final Set<Long> sent = new LinkedHashSet<>();
    private volatile long watermark;
    private boolean fetching;
    private boolean fetchAgain;
    private PgSubscriber subscriber;
    private long timer = -1;

    public ActivityFeed(Pool db, Vertx vertx, ObjectMapper json, Config config) {
        this.db = db;
        this.vertx = vertx;
        this.json = json;
        this.config = config;
    }

    void start(@Observes StartupEvent start) {
        watermark = db.query("SELECT coalesce(max(seq), 0) FROM activity").execute().await().indefinitely()
                .iterator().next().getLong(0);
        subscriber = PgSubscriber.subscriber(vertx, ListenConnections.of(config)).reconnectPolicy(retries -> 1000L);
        subscriber.channel(CHANNEL).subscribeHandler(this::catchUp).handler(this::notified);
        subscriber.connect().subscribe().with(ok -> LOG.debug("listening for new activity"),
                e -> LOG.warnf("cannot listen for new activity yet (%s); catching up every 2 s", e.getMessage()));
        timer = vertx.setPeriodic(2000, id -> catchUp());
    }

    void stop(@Observes ShutdownEvent stop) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    void listen(Consumer<SseFrame> listener) {
        listeners.add(listener);
    }

    void forget(Consumer<SseFrame> listener) {
        listeners.remove(listener);
    }

    /** Entries after {@code seq} (oldest first, at most {@code limit}): what a resumed stream missed. */
    Uni<List<SseFrame>> after(long seq, int limit) {
        return db.preparedQuery("SELECT " + StreamedEvent.COLUMNS + " FROM activity WHERE seq > $1 ORDER BY seq LIMIT $2")
                .execute(Tuple.of(seq, limit)).map(this::events);
    }

    private void notified(String payload) {
        long seq;
        try {
            seq = Long.parseLong(payload);
        } catch (NumberFormatException e) {
            return;
        }
        if (seq > watermark) {
            catchUp();
        } else if (!alreadySent(seq)) {
            // committed after a later entry had been sent
            db.preparedQuery("SELECT " + StreamedEvent.COLUMNS + " FROM activity WHERE seq = $1").execute(Tuple.of(seq))
                    .map(this::events).subscribe().with(this::send, this::fetchFailed);
        }
    }

    private synchronized void catchUp() {
        if (fetching) {
            fetchAgain = true;
            return;
        }
        fetching = true;
        after(watermark, BATCH).subscribe().with(events -> {
            send(events);
            fetched(events.size() == BATCH);
        }, e -> {
            fetchFailed(e);
            fetched(false);
        });
    }

    private void fetched(boolean more) {
        boolean again;
        synchronized (this) {
            fetching = false;
            again = more || fetchAgain;
            fetchAgain = false;
        }
        if (again) {
            catchUp();
        }
    }

    private boolean alreadySent(long seq) {
        synchronized (sent) {
            return sent.contains(seq);
        }
    }

    private void send(List<SseFrame> events) {
        for (SseFrame event : events) {
            synchronized (sent) {
                if (!sent.add(event.seq())) {
                    continue;
                }
                if (sent.size() > REMEMBERED) {
                    sent.remove(sent.iterator().next());
                }
            }
            if (event.seq() > watermark) {
                watermark = event.seq();
            }
            for (Consumer<SseFrame> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "an event stream failed to take entry %d", event.seq());
                }
            }
        }
    }

    private void fetchFailed(Throwable e) {
        LOG.warnf("reading new activity failed (retried in 2 s): %s", e.getMessage());
    }

    private List<SseFrame> events(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<SseFrame> events = new ArrayList<>();
        for (Row r : rows) {
            events.add(frame(StreamedEvent.of(r, json)));
        }
        return events;
    }

    private SseFrame frame(StreamedEvent event) {
        String data;
        try {
            data = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            data = "{}";
        }
        return new SseFrame(event.seq(), "id: " + event.seq() + "\nevent: " + event.name() + "\ndata: " + data
                + "\n\n");
    }
}
