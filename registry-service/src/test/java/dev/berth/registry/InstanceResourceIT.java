package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InstanceResourceIT {

    @Inject
    Pool pool;

    @Test
    void listsInstancesByNameWithoutSecrets() {
        String name = "it-" + UUID.randomUUID();
        pool.preparedQuery("INSERT INTO instances (id, name, engine, host, port, admin_user, status, is_shared) "
                        + "VALUES ($1, $2, 'postgresql', '127.0.0.1', 5432, 'postgres', 'ready', true)")
                .execute(Tuple.of(UUID.randomUUID(), name)).await().atMost(Duration.ofSeconds(10));

        given().queryParam("size", 500).when().get("/api/instances").then()
                .statusCode(200)
                .body("total", greaterThanOrEqualTo(1))
                .body("size", equalTo(500))
                .body("items.find { it.name == '" + name + "' }.engine", equalTo("postgresql"))
                .body("items.find { it.name == '" + name + "' }.shared", equalTo(true))
                .body(org.hamcrest.Matchers.not(containsString("password")));
    }

    @Test
    void refusesPageSizesOutsideTheConfiguredBounds() {
        given().queryParam("size", 501).when().get("/api/instances").then().statusCode(400);
        given().queryParam("size", 0).when().get("/api/instances").then().statusCode(400);
        given().queryParam("page", -1).when().get("/api/instances").then().statusCode(400);
    }
}
