package dev.berth.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

/**
 * What every Berth service promises its operator at {@code /q}: ready only when each of its checks is UP (its
 * PostgreSQL and its Kafka among them), live, and an OpenAPI document under its own title. Each service's
 * {@code HealthIT} extends this with {@code @QuarkusTest} and names its title and one of its paths.
 */
public abstract class HealthContract {

    /** The OpenAPI title, e.g. "Berth registry API". */
    protected abstract String title();

    /** A path the service's OpenAPI document must list. */
    protected abstract String documentedPath();

    @Test
    void readyOnlyWhenEveryCheckIsUp() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check",
                        "Kafka connection health check"))
                .body("checks", not(empty()))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void liveAndDocumented() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo(title()))
                .body("paths", hasKey(documentedPath()));
    }
}
