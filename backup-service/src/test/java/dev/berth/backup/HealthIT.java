package dev.berth.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthIT {

    @Test
    void readyWhenPostgresAndKafkaAreUp() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check",
                        "Kafka connection health check"))
                .body("checks.status", hasItem("UP"));
    }

    @Test
    void liveAndDocumented() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("Berth backup API"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/backup-schedules/{databaseId}"));
    }
}
