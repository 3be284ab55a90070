package dev.berth.provisioner;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.FreePorts;
import dev.berth.testing.PodmanService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** App containers through the provisioner's container API on the real Podman, and their lifecycle events. */
@QuarkusTest
class ContainerApiIT {

    @Inject
    Pool pool;

    @Test
    void deployStopStartRemoveAndEveryStepIsPublished() {
        String app = "web" + suffix();
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("name", app, "image", PodmanService.APP_IMAGE, "app", app,
                        "env", Map.of("DATABASE_URL", "postgresql://u:secret@db/x"),
                        "ports", List.of(Map.of("hostPort", FreePorts.next(), "containerPort", 8080)),
                        "command", List.of("sleep", "300")))
                .when().post("/internal/containers")
                .then().statusCode(201)
                .body("state", equalTo("running"))
                .body("app", equalTo(app))
                .body("labels.'berth.owner'", equalTo(PodmanService.get().owner()))
                .body("addresses." + PodmanService.NETWORK, containsString("172.31.240."))
                .body(org.hamcrest.Matchers.not(containsString("secret")))
                .extract().path("id");

        given().queryParam("app", app).when().get("/internal/containers")
                .then().statusCode(200).body("id", equalTo(List.of(id)));
        given().when().get("/internal/containers/" + id + "/stats").then().statusCode(200)
                .body("pids", org.hamcrest.Matchers.greaterThan(0));
        given().when().post("/internal/containers/" + id + "/stop").then().statusCode(200)
                .body("state", equalTo("exited"));
        given().when().get("/internal/containers/" + id + "/stats").then().statusCode(409);
        given().when().post("/internal/containers/" + id + "/start").then().statusCode(200)
                .body("state", equalTo("running"));
        given().when().post("/internal/containers/" + id + "/restart").then().statusCode(200)
                .body("state", equalTo("running"));
        given().when().delete("/internal/containers/" + id).then().statusCode(204);
        given().when().get("/internal/containers/" + id).then().statusCode(404);

        // Every step reached Kafka through the outbox, in order, keyed by the container id.
        await().atMost(Duration.ofSeconds(20)).until(() -> published(id).contains("dev.berth.ContainerRemoved"));
        List<String> types = published(id);
        assertEquals("dev.berth.ContainerCreated", types.get(0), types.toString());
        assertEquals("dev.berth.ContainerRemoved", types.get(types.size() - 1), types.toString());
        assertTrue(types.contains("dev.berth.ContainerStarted") && types.contains("dev.berth.ContainerStopped"),
                types.toString());
        assertFalse(outboxText(id).contains("secret"), "no environment value travels in an event");
        assertEquals(0L, count("SELECT count(*) FROM outbox WHERE message_key = $1 AND sent_at IS NULL", id));
    }

    @Test
    void badDeploymentsAreRefusedAndLeaveNothingBehind() throws Exception {
        String app = "bad" + suffix();
        deploy(Map.of("name", app, "image", "localhost/berth/no-such-image:1", "app", app))
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("not on this host"));
        deploy(Map.of("name", app, "image", PodmanService.APP_IMAGE, "app", app, "env", Map.of("NOT VALID", "x")))
                .then().statusCode(400).body("detail", containsString("NOT VALID"));
        deploy(Map.of("name", "-" + app, "image", PodmanService.APP_IMAGE, "app", app))
                .then().statusCode(400).body("type", containsString("invalid-name"));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            deploy(Map.of("name", app, "image", PodmanService.APP_IMAGE, "app", app, "command", List.of("sleep", "60"),
                    "ports", List.of(Map.of("hostPort", taken.getLocalPort(), "containerPort", 80))))
                    .then().statusCode(409).body("type", containsString("port-in-use"));
        }
        given().queryParam("app", app).when().get("/internal/containers").then().statusCode(200)
                .body("size()", equalTo(0));

        // A name clash is refused and the first container is untouched.
        String first = deploy(Map.of("name", app, "image", PodmanService.APP_IMAGE, "app", app, "command",
                List.of("sleep", "60"))).then().statusCode(201).extract().path("id");
        deploy(Map.of("name", app, "image", PodmanService.APP_IMAGE, "app", app, "command", List.of("sleep", "60")))
                .then().statusCode(409).body("detail", containsString("exists already"));
        given().when().get("/internal/containers/" + first).then().statusCode(200).body("state", equalTo("running"));
        given().when().delete("/internal/containers/" + first).then().statusCode(204);
    }

    private static io.restassured.response.Response deploy(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/internal/containers");
    }

    private List<String> published(String containerId) {
        List<String> types = new ArrayList<>();
        pool.preparedQuery("SELECT payload->>'type' AS type FROM outbox WHERE message_key = $1 ORDER BY seq")
                .execute(Tuple.of(containerId)).await().atMost(Duration.ofSeconds(10))
                .forEach(row -> types.add(row.getString("type")));
        return types;
    }

    private String outboxText(String containerId) {
        StringBuilder text = new StringBuilder();
        pool.preparedQuery("SELECT payload::text AS payload FROM outbox WHERE message_key = $1")
                .execute(Tuple.of(containerId)).await().atMost(Duration.ofSeconds(10))
                .forEach(row -> text.append(row.getString("payload")));
        return text.toString();
    }

    private long count(String sql, Object param) {
        Row row = pool.preparedQuery(sql).execute(Tuple.of(param)).await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        return row.getLong(0);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
