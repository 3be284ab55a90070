package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

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
