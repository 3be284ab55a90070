package dev.berth.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Publishes pending outbox rows in order and marks them sent. A batch is locked with {@code FOR UPDATE SKIP
 * LOCKED}, so two replicas never publish the same rows; rows are marked sent only after Kafka acknowledged every
 * record of the batch. When Kafka is down the batch fails, nothing is marked, and the next run tries again; the
 * failure is counted on the oldest row ({@code attempts}, {@code last_error}) so it can be seen.
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Pool pool;
    private final EventPublisher publisher;
    private final int batchSize;
    private final SingleFlight<Integer> drains = new SingleFlight<>(this::drainBatches, 0);

    public OutboxRelay(Pool pool, EventPublisher publisher, int batchSize) {
        this.pool = pool;
        this.publisher = publisher;
        this.batchSize = batchSize;
    }

    /** Publishes one batch; returns how many events were sent (0 when nothing was pending). */
    public Uni<Integer> publishBatch() {
        List<Long> attempted = new ArrayList<>();
        // Marking rows sent needs no fsync wait: a lost mark means the rows are published again, and consumers
        // apply each event id once.
        return pool.withTransaction(tx -> tx.query("SET LOCAL synchronous_commit = off").execute()
                        .chain(() -> lockPending(tx))
                        .invoke(rows -> rows.forEach(r -> attempted.add(r.getLong("seq"))))
                        .flatMap(rows -> rows.isEmpty() ? Uni.createFrom().item(0) : publishAndMark(tx, rows)))
                .onFailure().call(error -> recordFailure(attempted, error));
    }

    /**
     * Publishes batches until none is pending; returns the total sent. Drains of one relay never overlap — two at
     * once would each lock a different batch and could publish them out of order — so a drain asked for while one
     * runs makes that one go round again instead (and returns 0 at once).
     */
    public Uni<Integer> drain() {
        return drains.run();
    }

    /** Drains now, in the background: for a producer that just committed events and wants them out at once. */
    public void nudge() {
        drains.runInBackground();
    }

    private Uni<Integer> drainBatches() {
        return publishBatch().flatMap(sent -> sent < batchSize ? Uni.createFrom().item(sent)
                : drainBatches().map(more -> sent + more));
    }

    /** Rows not yet published. */
    public Uni<Long> pendingCount() {
        return pool.query("SELECT count(*) FROM outbox WHERE sent_at IS NULL").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private Uni<List<Row>> lockPending(SqlConnection tx) {
        return tx.preparedQuery("SELECT seq, topic, message_key, payload::text AS payload FROM outbox "
                        + "WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(batchSize))
                .map(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return list;
                });
    }

    private Uni<Integer> publishAndMark(SqlConnection tx, List<Row> rows) {
        List<Uni<Void>> sends = rows.stream().map(row -> publisher.publish(row.getString("topic"),
                row.getString("message_key"), row.getString("payload").getBytes(StandardCharsets.UTF_8))).toList();
        Long[] seqs = rows.stream().map(r -> r.getLong("seq")).toArray(Long[]::new);
        return Uni.join().all(sends).andFailFast()
                .flatMap(ignored -> tx.preparedQuery("UPDATE outbox SET sent_at = now() WHERE seq = ANY($1)")
                        .execute(Tuple.tuple().addArrayOfLong(seqs)))
                .map(ignored -> rows.size());
    }

    private Uni<Void> recordFailure(List<Long> attempted, Throwable error) {
        if (attempted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String summary = error.getClass().getSimpleName() + ": " + error.getMessage();
        LOG.warnf("outbox relay: %d event(s) not published yet, will retry: %s", attempted.size(), summary);
        return pool.preparedQuery("UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = $1")
                .execute(Tuple.of(attempted.get(0), summary))
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("outbox relay: could not note the failure on event %d: %s",
                        attempted.get(0), e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
