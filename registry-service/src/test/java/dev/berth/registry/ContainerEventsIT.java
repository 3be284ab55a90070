package dev.berth.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.contracts.events.ContainerCreated;
import dev.berth.contracts.events.ContainerRemoved;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.events.Topics;
import dev.berth.testing.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ContainerEventsIT {

    @Inject
    Pool pool;

    @Test
    void containerLifecycleEventsReachTheCatalogOnceEvenWhenRedelivered() {
        String id = UUID.randomUUID().toString().replace("-", "");
        EventEnvelope created = EventEnvelope.of("/berth/provisioner",
                new ContainerCreated(id, "shop-web", "localhost/berth/shop:1", "shop", null));
        // Poison first: the consumer must skip it and carry on.
        TestEvents.publishRaw(Topics.CONTAINERS, id, "{not an event".getBytes(StandardCharsets.UTF_8));
        TestEvents.publish(created);
        TestEvents.publish(created);

        await().atMost(Duration.ofSeconds(30)).until(() -> "created".equals(status(id)));
        assertEquals(1L, count("SELECT count(*) FROM processed_events WHERE event_id = $1", created.id()));

        TestEvents.publish(EventEnvelope.of("/berth/provisioner", new ContainerRemoved(id, "shop-web", "shop")));
        await().atMost(Duration.ofSeconds(30)).until(() -> "removed".equals(status(id)));
    }

    private String status(String containerId) {
        var rows = pool.preparedQuery("SELECT status FROM containers WHERE container_id = $1")
                .execute(Tuple.of(containerId)).await().atMost(Duration.ofSeconds(10));
        return rows.size() == 0 ? null : rows.iterator().next().getString("status");
    }

    private long count(String sql, Object param) {
        Row row = pool.preparedQuery(sql).execute(Tuple.of(param)).await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        return row.getLong(0);
    }
}
