package dev.berth.contracts.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    static List<BerthEvent> events() {
        return List.of(
                new DatabaseProvisioned("db-1", "inst-1", "shop", "app_shop", "berth_shop"),
                new DatabaseDropped("db-1", "inst-1", "app_shop", "delete"),
                new ContainerCreated("c0ffee", "shop-web", "localhost/berth/shop:1", "shop", "db-1"),
                new ContainerRemoved("c0ffee", "shop-web", "shop"),
                new BackupCompleted("b-1", "db-1", "scheduled", 123_456L, "ab".repeat(32), 812L),
                new BackupFailed("b-2", "db-1", "manual", "pg_dump: error: connection refused"),
                new CredentialsRotated("db-1", "zero-downtime", "berth_shop_r2", "berth_shop"));
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventSurvivesTheRoundTrip(BerthEvent event) {
        EventEnvelope sent = EventEnvelope.of("/berth/test", event);

        EventEnvelope received = codec.decode(codec.encode(sent));

        assertEquals(sent.id(), received.id());
        assertEquals(sent.source(), received.source());
        assertEquals(sent.type(), received.type());
        assertEquals(event.aggregateId(), received.subject());
        assertEquals(sent.time().toInstant(), received.time().toInstant());
        assertEquals(event, received.data());
    }

    @Test
    void encodedFormIsStructuredCloudEventsJson() {
        EventEnvelope sent = EventEnvelope.of("/berth/registry",
                new DatabaseProvisioned("db-9", "inst-1", "blog", "app_blog", "berth_blog"));

        String json = new String(codec.encode(sent), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"specversion\":\"1.0\""), json);
        assertTrue(json.contains("\"type\":\"dev.berth.DatabaseProvisioned\""), json);
        assertTrue(json.contains("\"subject\":\"db-9\""), json);
        assertTrue(json.contains("\"databaseName\":\"app_blog\""), json);
    }

    @Test
    void eventsGoToTheTopicOfTheirAggregate() {
        assertEquals(Topics.DATABASES, Topics.of(new DatabaseDropped("d", "i", "n", "keep")));
        assertEquals(Topics.CONTAINERS, Topics.of(new ContainerRemoved("c", "n", "a")));
        assertEquals(Topics.BACKUPS, Topics.of(new BackupFailed("b", "d", "manual", "x")));
    }

    @Test
    void unknownTypeIsRefused() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"7b0c5bfc-8c4a-4b43-9a37-1c0c2b6b54a0\","
                + "\"source\":\"/x\",\"type\":\"dev.berth.Nope\",\"datacontenttype\":\"application/json\","
                + "\"data\":{}}";
        var error = assertThrows(EventCodec.InvalidEventException.class,
                () -> codec.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(error.getMessage().contains("dev.berth.Nope"));
    }

    @Test
    void garbageIsRefused() {
        assertThrows(EventCodec.InvalidEventException.class,
                () -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)));
    }
}
