package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.berth.security.InternalTokens;
import dev.berth.security.Roles;
import dev.berth.testing.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry reached directly (not through the gateway) applies the same rules to the internal token it is given:
 * no token or a forged one is refused, viewers only read, only admins and services reveal credentials, only services
 * use /internal.
 */
@QuarkusTest
class AccessRulesIT {

    @BeforeEach
    void nobodyByDefault() {
        RestAssured.replaceFiltersWith(List.of());
    }

    @Test
    void strangersAndForgedTokensAreRefused() throws Exception {
        given().when().get("/api/databases").then().statusCode(401).contentType("application/problem+json");
        var otherKey = KeyPairGenerator.getInstance("RSA");
        otherKey.initialize(2048);
        String forged = Jwt.issuer(InternalTokens.ISSUER).audience(InternalTokens.AUDIENCE).subject("mallory")
                .groups(Set.of(Roles.ADMIN)).expiresIn(Duration.ofMinutes(5)).sign(otherKey.generateKeyPair()
                        .getPrivate());
        as(forged).when().get("/api/databases").then().statusCode(401);
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void rolesDecideWhatTheTokenMayDo() {
        String viewer = TestKeys.bearer("vera", Roles.VIEWER);
        String operator = TestKeys.bearer("otto", Roles.OPERATOR);
        as(viewer).when().get("/api/databases").then().statusCode(200);
        as(viewer).contentType(ContentType.JSON).body(Map.of("app", "v" + suffix())).when().post("/api/databases")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("POST /api/databases"));
        as(viewer).when().get("/internal/admissions").then().statusCode(403);

        String id = as(operator).contentType(ContentType.JSON).body(Map.of("app", "o" + suffix())).when()
                .post("/api/databases").then().statusCode(201).extract().path("id");
        as(operator).when().get("/api/databases/" + id + "/credentials").then().statusCode(403);
        as(TestKeys.bearer("ada", Roles.ADMIN)).when().get("/api/databases/" + id + "/credentials").then()
                .statusCode(200);
        as(operator).when().delete("/api/databases/" + id).then().statusCode(204);
    }

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
