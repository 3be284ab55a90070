package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReconciliationIT {

    @Test
    void objectsMadeOrDroppedBehindBerthsBackAreReported() {
        String rogue = "app_rogue_" + UUID.randomUUID().toString().substring(0, 8);
        TestInfrastructure.get().postgres().sql("postgres", "CREATE DATABASE " + rogue);
        String app = "vanish_" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("app", app)).post("/api/databases").then().statusCode(201);
        TestInfrastructure.get().postgres().sql("postgres", "DROP DATABASE app_" + app);

        String defaultInstance = "instances.find { it.instanceName == 'default' }";
        given().post("/api/reconciliation").then().statusCode(200)
                .body(defaultInstance + ".status", equalTo("ready"))
                .body(defaultInstance + ".unknownDatabases", hasItem(rogue))
                .body(defaultInstance + ".missingDatabases", hasItem("app_" + app))
                .body(defaultInstance + ".unknownDatabases", not(hasItem(org.hamcrest.Matchers.startsWith("berth_pool_"))));
        given().get("/api/reconciliation").then().statusCode(200)
                .body(defaultInstance + ".unknownDatabases", hasItem(rogue));
        given().get("/api/instances").then()
                .body("items.find { it.name == 'default' }.status", equalTo("ready"));
        TestInfrastructure.get().postgres().sql("postgres", "DROP DATABASE " + rogue);
    }
}
