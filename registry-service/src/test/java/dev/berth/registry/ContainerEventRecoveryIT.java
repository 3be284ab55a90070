package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.testing.PodmanService;
import dev.berth.testing.ServiceProcess;
import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Container removals are not lost: not while the provisioner is down (its watcher resumes from the last event it
 * recorded), and not while Kafka is down (the event waits in the provisioner's outbox and is applied once Kafka is
 * back).
 */
@QuarkusTest
class ContainerEventRecoveryIT {

    private final PodmanService podman = PodmanService.get();

    @Test
    void aRemovalWhileTheProvisionerIsDownIsPickedUpAfterItsRestart() {
        JsonPath app = deploy("restart-" + suffix());
        ServiceProcess provisioner = ServiceProcess.provisioner(2);
        provisioner.kill();
        try {
            assertEquals(0, podman.podman("rm", "-f", "-t", "0", app.getString("name")).exitCode());
        } finally {
            provisioner.restart();
        }
        awaitOrphaned(app, Duration.ofSeconds(30));
    }

    @Test
    void aRemovalWhileKafkaIsDownIsAppliedOnceKafkaIsBack() {
        JsonPath app = deploy("outage-" + suffix());
        var kafka = TestInfrastructure.get().kafka();
        kafka.stop();
        try {
            assertEquals(0, podman.podman("rm", "-f", "-t", "0", app.getString("name")).exitCode());
            String containerId = app.getString("containerId");
            await().atMost(Duration.ofSeconds(20)).until(() -> "1".equals(TestInfrastructure.get().postgres()
                    .sql("berth_provisioner", "SELECT count(*) FROM outbox WHERE message_key = '" + containerId
                            + "' AND payload->>'type' = 'dev.berth.ContainerRemoved' AND sent_at IS NULL")));
            given().get("/api/apps/" + app.getString("id")).then().statusCode(200)
                    .body("removedAt", org.hamcrest.Matchers.nullValue());
        } finally {
            kafka.start(false);
        }
        awaitOrphaned(app, Duration.ofSeconds(90));
    }

    /**
     * Podman's API service restarted while the app's container changes state: with either source of events (the
     * default, Podman's event log file where it has one, and the API's event stream), every lifecycle event of the
     * container reaches the outbox once: as many {@code Container*} events as Podman itself reports, no more, no less.
     */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "api"})
    @Tag("faults")
    void aRestartOfPodmansServiceNeitherLosesNorRepeatsAnEvent(String source) {
        ServiceProcess provisioner = ServiceProcess.provisioner(2);
        provisioner.restartWith(source.equals("auto") ? Map.of() : Map.of("berth.containers.events-source", source));
        try {
            JsonPath app = deploy("podman-" + suffix());
            String name = app.getString("name");
            String containerId = app.getString("containerId");
            podman.stopService();
            try {
                if (source.equals("api")) {
                    // The stream broke off with the service, and the watcher says it keeps trying.
                    provisioner.awaitLog("container events: ", Duration.ofSeconds(10));
                }
                // While the service is down, straight on the host's storage: the app's container stops.
                Commands.Result stopped = podman.hostPodman("stop", "-t", "0", name);
                assertEquals(0, stopped.exitCode(), stopped.output());
            } finally {
                podman.startService();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of("exited", "stopped").contains(given()
                    .get("/api/apps/" + app.getString("id")).jsonPath().getString("status")));
            // The stream is live again: a start through the restarted service is seen too.
            assertEquals(0, podman.podman("start", name).exitCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(given()
                    .get("/api/apps/" + app.getString("id")).jsonPath().getString("status")));

            List<String> seen = podman.hostPodman("events", "--stream=false", "--since", "10m", "--filter",
                    "container=" + containerId, "--format", "{{.Status}}").output().lines()
                    .filter(List.of("create", "start", "stop", "died", "die", "remove")::contains).toList();
            // Podman's own account: created, started, stopped (died, and stop where it reports one), started again.
            assertTrue(seen.contains("create") && seen.contains("died") && seen.stream().filter("start"::equals).count()
                    == 2, seen.toString());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(String.valueOf(seen.size()),
                    TestInfrastructure.get().postgres().sql("berth_provisioner", "SELECT count(*) FROM outbox WHERE "
                            + "message_key = '" + containerId + "' AND event_type LIKE 'dev.berth.Container%'").trim(),
                    "one Container* event per Podman event " + seen));
        } finally {
            provisioner.restartWith(Map.of());
        }
    }

    private static JsonPath deploy(String name) {
        JsonPath app = given().contentType(ContentType.JSON).body(Map.of("name", name, "image", PodmanService.APP_IMAGE,
                        "env", Map.of("DATABASE_URL", ""), "command", List.of("sleep", "600")))
                .when().post("/api/apps").then().statusCode(201).extract().jsonPath();
        await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(given().get("/api/apps/"
                + app.getString("id")).jsonPath().getString("status")));
        return app;
    }

    private static void awaitOrphaned(JsonPath app, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> given()
                .get("/api/apps/" + app.getString("id")).jsonPath().getString("status").equals("removed"));
        List<String> orphans = given().get("/api/databases/orphans").jsonPath().getList("id");
        assertTrue(orphans.contains(app.getString("databaseId")), orphans.toString());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
