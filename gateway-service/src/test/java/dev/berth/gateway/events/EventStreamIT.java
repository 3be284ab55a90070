package dev.berth.gateway.events;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.contracts.events.BackupCompleted;
import dev.berth.contracts.events.BackupStarted;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.contracts.events.RestorePhaseChanged;
import dev.berth.testing.TestEvents;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /api/events} as a dashboard uses it: live, resumable, closed when the sign-in ends, cheap per stream. */
@QuarkusTest
class EventStreamIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/events")
    URI events;

    @Inject
    EventStreams streams;

    @Test
    void eventsArriveLiveInOrderAndAResumeReplaysWhatWasMissed() throws Exception {
        String token = adminToken();
        String db = UUID.randomUUID().toString();
        String backup = UUID.randomUUID().toString();
        String firstId;
        try (SseClient stream = SseClient.open(events, Map.of("Authorization", "Bearer " + token))) {
            assertEquals("text/event-stream; charset=utf-8",
                    stream.response().headers().firstValue("Content-Type").orElse(""));
            TestEvents.publish(EventEnvelope.of("/berth/backup", new BackupStarted(backup, db, "manual")));
            SseClient.Event started = stream.next("BackupStarted", 30);
            JsonNode body = JSON.readTree(started.data());
            assertEquals(db, body.get("subject").asText());
            assertEquals(backup, body.get("data").get("backupId").asText());
            assertEquals(started.id(), body.get("seq").asText());
            firstId = started.id();
        }
        // Missed while no stream was open: replayed from the table after Last-Event-ID, in order.
        TestEvents.publish(EventEnvelope.of("/berth/backup", new RestorePhaseChanged(UUID.randomUUID().toString(), db,
                backup, "new", "RESTORING", false, null)));
        TestEvents.publish(EventEnvelope.of("/berth/backup",
                new BackupCompleted(backup, db, "manual", 4096, "cd".repeat(32), 80)));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().queryParam("subject", db).get("/api/activity")
                .jsonPath().getList("").size() == 3);
        try (SseClient resumed = SseClient.open(events, Map.of("Authorization", "Bearer " + token,
                "Last-Event-ID", firstId))) {
            SseClient.Event phase = resumed.next(10);
            SseClient.Event completed = resumed.next(10);
            assertEquals("RestorePhaseChanged", phase.name());
            assertEquals("RESTORING", JSON.readTree(phase.data()).get("data").get("phase").asText());
            assertEquals("BackupCompleted", completed.name());
            assertTrue(Long.parseLong(firstId) < Long.parseLong(phase.id()));
            assertTrue(Long.parseLong(phase.id()) < Long.parseLong(completed.id()));
        }
    }

    @Test
    void theStreamEndsWhenTheSignInEndsOrTheRoleChangesAndStrangersGetNone() throws Exception {
        String name = "sse-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "long-enough-password",
                "role", "viewer")).post("/api/users").then().statusCode(201);
        String token = given().contentType(ContentType.JSON).body(Map.of("username", name,
                "password", "long-enough-password")).post("/api/auth/login").jsonPath().getString("token");
        try (SseClient stream = SseClient.open(events, Map.of("Authorization", "Bearer " + token))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.comments().contains("connected as viewer"));
            given().header("Authorization", "Bearer " + token).post("/api/auth/logout").then().statusCode(204);
            SseClient.Event last = stream.next("signed-out", 5);
            assertEquals("signed-out", last.name());
            assertTrue(last.data().contains("the sign-in has ended"), last.data());
            assertEquals(SseClient.END, stream.next(5));
        }
        // A role change ends the stream too: what it may see is decided by the role it was opened with.
        String other = "sse-" + UUID.randomUUID().toString().substring(0, 8);
        String otherId = given().contentType(ContentType.JSON).body(Map.of("username", other, "password",
                "long-enough-password", "role", "operator")).post("/api/users").then().statusCode(201)
                .extract().path("id");
        String otherToken = given().contentType(ContentType.JSON).body(Map.of("username", other,
                "password", "long-enough-password")).post("/api/auth/login").jsonPath().getString("token");
        try (SseClient stream = SseClient.open(events, Map.of("Authorization", "Bearer " + otherToken))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.comments().contains("connected as operator"));
            given().contentType(ContentType.JSON).body(Map.of("role", "viewer")).patch("/api/users/" + otherId)
                    .then().statusCode(200);
            SseClient.Event last = stream.next("signed-out", 5);
            assertTrue(last.data().contains("the role changed from operator to viewer"), last.data());
            assertEquals(SseClient.END, stream.next(5));
        }
        HttpResponse<java.io.InputStream> stranger = SseClient.request(events, Map.of());
        assertEquals(401, stranger.statusCode());
        assertEquals("application/problem+json", stranger.headers().firstValue("Content-Type").orElse(""));
        HttpResponse<java.io.InputStream> bad = SseClient.request(events, Map.of("Authorization",
                "Bearer " + adminToken(), "Last-Event-ID", "yesterday"));
        assertEquals(400, bad.statusCode());
        assertTrue(new String(bad.body().readAllBytes()).contains("Last-Event-ID must be the number"));
    }

    @Test
    void manyOpenStreamsDoNotCostAThreadEachAndAllGetTheEvent() throws Exception {
        String token = adminToken();
        int before = ManagementFactory.getThreadMXBean().getThreadCount();
        List<HttpResponse<java.io.InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                HttpResponse<java.io.InputStream> r = SseClient.request(events, Map.of("Authorization",
                        "Bearer " + token));
                assertEquals(200, r.statusCode());
                open.add(r);
            }
            assertTrue(streams.openStreams() >= 200, "open streams: " + streams.openStreams());
            int during = ManagementFactory.getThreadMXBean().getThreadCount();
            // Client and server share this JVM: the test's 200 client connections plus the gateway's 200 streams
            // must not add anything like a thread per stream.
            assertTrue(during - before < 50, "threads went from " + before + " to " + during);
            String db = UUID.randomUUID().toString();
            TestEvents.publish(EventEnvelope.of("/berth/backup", new BackupStarted(UUID.randomUUID().toString(), db,
                    "manual")));
            for (HttpResponse<java.io.InputStream> r : List.of(open.get(0), open.get(199))) {
                String text = readUntil(r, db, Duration.ofSeconds(30));
                assertTrue(text.contains("event: BackupStarted"), text);
            }
        } finally {
            for (HttpResponse<java.io.InputStream> r : open) {
                r.body().close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() < 10);
    }

    @Test
    void secretLookingFieldsNeverReachAStream() throws Exception {
        JsonNode scrubbed = EventVisibility.scrub(JSON.readTree("{\"databaseId\":\"d\",\"password\":\"p\","
                + "\"nested\":{\"adminPassword\":\"x\",\"apiKey\":\"k\",\"size\":3},\"list\":[{\"token\":\"t\"}]}"));
        assertEquals("d", scrubbed.get("databaseId").asText());
        assertFalse(scrubbed.has("password"));
        assertFalse(scrubbed.get("nested").has("adminPassword"));
        assertFalse(scrubbed.get("nested").has("apiKey"));
        assertEquals(3, scrubbed.get("nested").get("size").asInt());
        assertNotEquals(true, scrubbed.get("list").get(0).has("token"));
    }

    private static String readUntil(HttpResponse<java.io.InputStream> r, String needle, Duration limit)
            throws Exception {
        StringBuilder text = new StringBuilder();
        long until = System.nanoTime() + limit.toNanos();
        byte[] buffer = new byte[8192];
        while (!text.toString().contains(needle) && System.nanoTime() < until) {
            int n = r.body().read(buffer);
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n));
        }
        // the whole event: up to its blank line
        while (!text.toString().endsWith("\n\n") && System.nanoTime() < until) {
            int n = r.body().read(buffer);
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n));
        }
        return text.toString();
    }

    private String adminToken() {
        return given().contentType(ContentType.JSON).body(Map.of("username", "admin", "password",
                "it-admin-password")).post("/api/auth/login").jsonPath().getString("token");
    }
}
