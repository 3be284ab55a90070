package dev.berth.gateway.proof;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.embedded.Commands;
import dev.berth.gateway.RunningBerth;
import dev.berth.gateway.events.SseClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Outages on the whole suite as {@code ./berth up} runs it, each part stopped by its own PID: Kafka gone for a minute
 * under a steady load of API calls, the backup service killed in the middle of a download the gateway is streaming,
 * the gateway killed under an open event stream. Every call answers; nothing is lost or applied twice; a client that
 * was cut off can tell, and picks up where it was.
 */
@Tag("faults")
class OutagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static RunningBerth berth;
    private static Sweeper http;
    private static String token;

    @BeforeAll
    static void up() throws Exception {
        berth = RunningBerth.up();
        http = new Sweeper(berth.gateway());
        token = http.login("admin", berth.adminPassword());
    }

    @AfterAll
    static void down() {
        if (berth != null) {
            berth.close();
        }
    }

    /**
     * Kafka stopped for 60 s while a client keeps creating, listing, deleting and backing up databases: every call
     * answers as usual, the events wait in the outboxes, and once Kafka is back every consumer has processed each of
     * them exactly once — as many as the state changes the calls made.
     */
    @Test
    void aMinuteWithoutKafkaUnderLoadLosesNoEventAndAppliesNoneTwice() throws Exception {
        String since = berth.sql("postgres", "SELECT now()");
        Path pidFile = berth.home().resolve("kafka/kafka.pid");
        assertTrue(Files.exists(pidFile), "Kafka's pid file " + pidFile);
        ProcessHandle kafka = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
        kafka.destroy();
        kafka.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);

        List<String> made = new ArrayList<>();
        int deleted = 0;
        int backups = 0;
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            long tick = System.nanoTime();
            Sweeper.Answer created = http.send("POST", "/api/databases", token,
                    "{\"app\":\"kafkaless" + i + "x" + UUID.randomUUID().toString().substring(0, 4) + "\"}");
            assertEquals(201, created.status(), created.body());
            made.add(JSON.readTree(created.body()).path("id").asText());
            Sweeper.Answer listed = http.send("GET", "/api/databases?size=20", token, null);
            assertEquals(200, listed.status(), listed.body());
            if (i % 4 == 3) {
                Sweeper.Answer dropped = http.send("DELETE", "/api/databases/" + made.get(i - 2), token, null);
                assertEquals(204, dropped.status(), dropped.body());
                deleted++;
            }
            if (i % 10 == 5) {
                Sweeper.Answer backup = http.send("POST", "/api/databases/" + made.get(i) + "/backups", token, null);
                assertEquals(202, backup.status(), backup.body());
                backups++;
            }
            Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - tick) / 1_000_000));
        }
        assertTrue(Integer.parseInt(berth.sql("berth_registry", "SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
                >= made.size(), "the events wait in the registry's outbox while Kafka is down");

        Commands.Result again = berth.run(300, "up");
        assertTrue(again.output().contains("kafka: running"), again.output());
        for (String service : List.of("registry", "provisioner", "backup", "gateway")) {
            awaitReady(service);
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                berth.sql("berth_registry", "SELECT count(*) FROM outbox WHERE sent_at IS NULL").equals("0")
                        && berth.sql("berth_backup", "SELECT count(*) FROM outbox WHERE sent_at IS NULL").equals("0"));

        List<String> databaseEvents = ids("berth_registry", "berth.databases.v1", since);
        assertEquals(made.size(), count("berth_registry", "dev.berth.DatabaseProvisioned", since), "one per create");
        assertEquals(deleted, count("berth_registry", "dev.berth.DatabaseDropped", since), "one per delete");
        List<String> backupEvents = ids("berth_backup", "berth.backups.v1", since);
        assertEquals(backups, count("berth_backup", "dev.berth.BackupCompleted", since), "one per backup");
        for (String[] consumer : List.of(new String[] {"berth_backup", "backup-service"},
                new String[] {"berth_provisioner", "provisioner-service"},
                new String[] {"berth_gateway", "gateway-service"})) {
            awaitProcessed(consumer[0], consumer[1], databaseEvents);
        }
        awaitProcessed("berth_registry", "registry-service", backupEvents);
        awaitProcessed("berth_gateway", "gateway-service", backupEvents);
        List<String> all = new ArrayList<>(databaseEvents);
        all.addAll(backupEvents);
        assertEquals(String.valueOf(all.size()), berth.sql("berth_gateway", "SELECT count(*) FROM activity WHERE "
                + "event_id IN (" + quoted(all) + ")"), "the activity feed has each once");
    }

    /**
     * The backup service SIGKILLed while the gateway streams one of its downloads: the client's read fails (it never
     * takes the part it got for the whole file); once the supervisor has the service back, a Range request for the
     * rest completes it, and the whole equals the backup's sha256.
     */
    @Test
    void aDownloadCutOffByTheBackupServiceDyingFailsCleanlyAndResumesWithARange() throws Exception {
        Sweeper.Answer created = http.send("POST", "/api/databases", token, "{\"app\":\"cutdownload\"}");
        assertEquals(201, created.status(), created.body());
        JsonNode db = JSON.readTree(created.body());
        String id = db.path("id").asText();
        String database = db.path("database").asText();
        // Random text pg_dump cannot squeeze much: a dump of some tens of MiB, more than the sockets between hold.
        berth.sql(database, "CREATE TABLE big AS SELECT g AS id, md5(random()::text) || md5(random()::text) AS a, "
                + "md5(random()::text) || md5(random()::text) AS b FROM generate_series(1, 500000) g");
        Sweeper.Answer queued = http.send("POST", "/api/databases/" + id + "/backups", token, null);
        assertEquals(202, queued.status(), queued.body());
        String backup = JSON.readTree(queued.body()).path("id").asText();
        String path = "/api/databases/" + id + "/backups/" + backup;
        HttpResponse<String> done = CLIENT.send(HttpRequest.newBuilder(URI.create(berth.gateway() + path
                        + "?waitSeconds=120")).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, done.statusCode(), done.body());
        JsonNode record = JSON.readTree(done.body());
        assertEquals("completed", record.path("status").asText(), record.toString());
        long size = record.path("sizeBytes").asLong();
        assertTrue(size > 16 << 20, "a dump of " + size + " bytes");

        // curl as a user runs it, reading at 1 MiB/s: the service dies with most of the file still to come.
        Path work = Files.createTempDirectory("berth-download-");
        Path headers = Files.writeString(work.resolve("headers"), "Authorization: Bearer " + token + "\n");
        Files.setPosixFilePermissions(headers, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path file = work.resolve("backup.dump");
        Process curl = new ProcessBuilder("curl", "-sS", "--limit-rate", "1M", "-H", "@" + headers, "-o",
                file.toString(), berth.gateway() + path).redirectErrorStream(true).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && Files.size(file) >= 1 << 20);
        ProcessHandle.of(pidOf("backup")).orElseThrow().destroyForcibly();
        assertTrue(curl.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "curl ended");
        String said = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertNotEquals(0, curl.exitValue(), "a download cut off half-way must fail, not end as if it were whole: "
                + said);
        long received = Files.size(file);
        assertTrue(received < size, "got " + received + " of " + size + " before the cut; curl said: " + said);

        awaitBackAfterRestart("backup");
        // And it picks up where it was: curl -C - asks for the rest with a Range.
        Process resumed = new ProcessBuilder("curl", "-sS", "-f", "-C", "-", "-H", "@" + headers, "-o",
                file.toString(), berth.gateway() + path).redirectErrorStream(true).start();
        assertTrue(resumed.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "curl -C - ended");
        assertEquals(0, resumed.exitValue(), new String(resumed.getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(size, Files.size(file));
        assertEquals(record.path("sha256").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file))), "the resumed download is the backup, byte for byte");
        Commands.tryRun(List.of("rm", "-rf", work.toString()), null, 30, null);
    }

    /**
     * The gateway SIGKILLed under an open event stream: the stream ends and the client knows it; an event that
     * happens while the gateway is down (a database made straight at the registry) is not lost — the resumed stream
     * (Last-Event-ID) delivers it once the supervisor has the gateway back.
     */
    @Test
    void anEventStreamCutOffByTheGatewayDyingEndsAndResumesWithoutALoss() throws Exception {
        URI events = URI.create(berth.gateway() + "/api/events");
        String lastId;
        try (SseClient stream = SseClient.open(events, Map.of("Authorization", "Bearer " + token))) {
            Sweeper.Answer created = http.send("POST", "/api/databases", token, "{\"app\":\"beforecut\"}");
            assertEquals(201, created.status(), created.body());
            String id = JSON.readTree(created.body()).path("id").asText();
            SseClient.Event seen = stream.next("DatabaseProvisioned", 30);
            while (!seen.data().contains(id)) {
                seen = stream.next("DatabaseProvisioned", 30);
            }
            lastId = seen.id();
            long gateway = pidOf("gateway");
            ProcessHandle.of(gateway).orElseThrow().destroyForcibly();
            assertEquals(SseClient.END, stream.next("never-sent", 15), "the stream ends when its gateway dies");
            assertNotNull(stream.ending());
        }

        // While the gateway is down, straight at the registry with a service token.
        String internal = berth.run(60, "token", "admin", "300").output().strip().lines().reduce((a, b) -> b)
                .orElseThrow();
        HttpResponse<String> direct = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + berth.env().get("BERTH_REGISTRY_PORT") + "/api/databases"))
                .header("Authorization", "Bearer " + internal).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"app\":\"whilecut\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, direct.statusCode(), direct.body());
        String missed = JSON.readTree(direct.body()).path("id").asText();

        awaitBackAfterRestart("gateway");
        try (SseClient resumed = SseClient.open(events, Map.of("Authorization", "Bearer " + token,
                "Last-Event-ID", lastId))) {
            SseClient.Event event = resumed.next("DatabaseProvisioned", 60);
            while (event != SseClient.END && !event.data().contains(missed)) {
                event = resumed.next("DatabaseProvisioned", 60);
            }
            assertNotEquals(SseClient.END, event, "the event made while the gateway was down arrives");
            assertTrue(Long.parseLong(event.id()) > Long.parseLong(lastId));
        }
    }

    private static long pidOf(String service) throws IOException {
        return Long.parseLong(Files.readString(berth.home().resolve("run/" + service + "/pid")).strip());
    }

    /** Waits until the supervisor has started the service again and it is ready. */
    private static void awaitBackAfterRestart(String service) {
        awaitReady(service);
    }

    /** Waits until the service (started again by its supervisor, if need be) is ready. */
    private static void awaitReady(String service) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                long pid = pidOf(service);
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    HttpResponse<String> ready = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + berth.env().get("BERTH_" + service.toUpperCase() + "_PORT") + "/q/health/ready"))
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
                    return ready.statusCode() == 200;
                }
            } catch (IOException | NumberFormatException e) {
                // not back yet
            }
            return false;
        });
    }

    private static List<String> ids(String database, String topic, String since) {
        String rows = berth.sql(database, "SELECT event_id FROM outbox WHERE topic = '" + topic + "' AND created_at >= '"
                + since + "' ORDER BY seq");
        return rows.isBlank() ? List.of() : rows.lines().map(String::strip).toList();
    }

    private static int count(String database, String type, String since) {
        return Integer.parseInt(berth.sql(database, "SELECT count(*) FROM outbox WHERE event_type = '" + type
                + "' AND created_at >= '" + since + "'"));
    }

    private static void awaitProcessed(String database, String consumer, List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertEquals(String.valueOf(eventIds.size()), berth.sql(database, "SELECT count(*) FROM "
                        + "processed_events WHERE consumer = '" + consumer + "' AND event_id IN (" + quoted(eventIds)
                        + ")"), consumer + " processed each event once"));
    }

    private static String quoted(List<String> ids) {
        return ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
    }
}
