package dev.berth.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.contracts.events.DatabaseProvisioned;
import dev.berth.contracts.events.EventCodec;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.events.Topics;
import dev.berth.embedded.PostgresCluster;
import dev.berth.testing.TestInfrastructure;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outbox against a real PostgreSQL and a real Kafka broker that is stopped and restarted. */
class OutboxDeliveryIT {

    private static final TestInfrastructure INFRA = TestInfrastructure.get();
    private static Vertx vertx;
    private static Pool pool;
    private static KafkaEventPublisher publisher;
    private static ScheduledExecutorService relayLoop;

    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void setUp() throws IOException {
        PostgresCluster pg = INFRA.postgres();
        pg.ensureDatabase("outbox_it", PostgresCluster.ADMIN_USER);
        try (InputStream migration = OutboxDeliveryIT.class.getResourceAsStream("/db/outbox/V0_1__outbox.sql")) {
            pg.sql("outbox_it", "DROP TABLE IF EXISTS outbox, processed_events, things; "
                    + new String(migration.readAllBytes(), StandardCharsets.UTF_8)
                    + "; CREATE TABLE things (id UUID PRIMARY KEY, name TEXT NOT NULL);");
        }
        vertx = Vertx.vertx();
        pool = PgPool.pool(vertx, new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
                .setDatabase("outbox_it").setUser(PostgresCluster.ADMIN_USER).setPassword(pg.adminPassword()),
                new PoolOptions().setMaxSize(4));
        publisher = KafkaEventPublisher.connect(INFRA.kafka().bootstrapServers(), "outbox-it", Duration.ofSeconds(90));
        OutboxRelay relay = new OutboxRelay(pool, publisher, 100);
        relayLoop = Executors.newSingleThreadScheduledExecutor();
        relayLoop.scheduleWithFixedDelay(() -> {
            try {
                relay.drain().await().atMost(Duration.ofSeconds(120));
            } catch (RuntimeException e) {
                // Kafka down: the relay logged it and the rows stay pending; next round retries.
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        relayLoop.shutdownNow();
        relayLoop.awaitTermination(10, TimeUnit.SECONDS);
        publisher.close();
        pool.closeAndAwait();
        vertx.closeAndAwait();
    }

    @Test
    void eventWrittenWhileKafkaIsDownArrivesExactlyOnceWhenItIsBack() {
        OutboxRelay probe = new OutboxRelay(pool, publisher, 100);
        INFRA.kafka().stop();
        try {
            UUID thing = UUID.randomUUID();
            EventEnvelope event = EventEnvelope.of("/berth/outbox-it",
                    new DatabaseProvisioned(thing.toString(), "inst", "shop", "app_shop", "berth_shop"));
            Outbox outbox = new Outbox(codec);
            pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO things (id, name) VALUES ($1, 'shop')")
                            .execute(Tuple.of(thing))
                            .flatMap(ignored -> outbox.append(tx, event)))
                    .await().atMost(Duration.ofSeconds(10));

            // The change is committed and its event waits: the relay cannot deliver while Kafka is down.
            sleep(Duration.ofSeconds(3));
            assertEquals(1L, probe.pendingCount().await().atMost(Duration.ofSeconds(10)));

            INFRA.kafka().start(false);
            await().atMost(Duration.ofSeconds(90)).until(
                    () -> probe.pendingCount().await().atMost(Duration.ofSeconds(10)) == 0L);

            List<EventEnvelope> received = consumeAll(Topics.DATABASES, thing.toString());
            assertEquals(1, received.size(), "the event must be on the topic exactly once");
            assertEquals(event.id(), received.get(0).id());
            assertEquals(event.data(), received.get(0).data());
        } finally {
            if (!INFRA.kafka().isRunning()) {
                INFRA.kafka().start(false);
            }
        }
    }

    @Test
    void aConsumerHandlesARedeliveredEventOnce() {
        ProcessedEvents processed = new ProcessedEvents(pool);
        EventEnvelope event = EventEnvelope.of("/berth/outbox-it",
                new DatabaseProvisioned(UUID.randomUUID().toString(), "inst", "blog", "app_blog", "berth_blog"));
        UUID thing = UUID.randomUUID();
        var insertThing = (java.util.function.Function<io.vertx.mutiny.sqlclient.SqlConnection, Uni<Void>>) tx ->
                tx.preparedQuery("INSERT INTO things (id, name) VALUES ($1, 'from-event')").execute(Tuple.of(thing))
                        .replaceWithVoid();

        boolean first = processed.handleOnce("it-consumer", event, insertThing).await().atMost(Duration.ofSeconds(10));
        boolean second = processed.handleOnce("it-consumer", event, insertThing).await().atMost(Duration.ofSeconds(10));
        boolean otherConsumer = processed.handleOnce("other-consumer", event, tx -> Uni.createFrom().voidItem())
                .await().atMost(Duration.ofSeconds(10));

        assertTrue(first);
        assertFalse(second, "a redelivered event must not run the handler again");
        assertTrue(otherConsumer, "dedupe is per consumer");
        long rows = pool.preparedQuery("SELECT count(*) FROM things WHERE id = $1").execute(Tuple.of(thing))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        assertEquals(1L, rows);
    }

    private List<EventEnvelope> consumeAll(String topic, String key) {
        List<EventEnvelope> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                "bootstrap.servers", INFRA.kafka().bootstrapServers(),
                "group.id", "outbox-it-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long quietUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < quietUntil) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        found.add(codec.decode(record.value()));
                        // Keep reading a little longer: a duplicate would arrive right behind it.
                        quietUntil = Math.min(quietUntil, System.nanoTime() + Duration.ofSeconds(3).toNanos());
                    }
                }
            }
        }
        return found;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
