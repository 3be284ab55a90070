package dev.berth.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The gateway forwards the services' /api routes: a user needs one address for everything. */
@QuarkusTest
class RoutingIT {

    @Test
    void databasesAreCreatedReadAndDeletedThroughTheGateway() {
        String app = "gw" + UUID.randomUUID().toString().substring(0, 6);
        String id = given().contentType(ContentType.JSON).body(Map.of("app", app))
                .when().post("/api/databases").then().statusCode(201)
                .body("database", equalTo("app_" + app))
                .body("connection.uri", startsWith("postgresql://")).extract().path("id");
        given().when().get("/api/databases/" + id).then().statusCode(200).body("app", equalTo(app));
        given().when().get("/api/instances").then().statusCode(200);
        given().when().get("/api/apps").then().statusCode(200);
        given().queryParam("env", "DATABASE_URL=").when().get("/api/databases/detect").then().statusCode(200)
                .body("needed", equalTo(true));
        given().when().delete("/api/databases/" + id).then().statusCode(204);
        given().when().get("/api/databases/" + id).then().statusCode(404);
    }

    @Test
    void theServicesErrorsComeThroughUnchanged() {
        given().contentType(ContentType.JSON).body(Map.of("app", "x\"; DROP ROLE postgres; --"))
                .when().post("/api/databases").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("app"));
    }

    @Test
    void theGatewaysOwnRoutesStayItsOwn() {
        given().when().get("/api/activity").then().statusCode(200);
    }
}
