package dev.berth.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may do what: strangers, viewers, operators, administrators, API keys, and services reached directly. */
@QuarkusTest
class AccessIT {

    @TestHTTPResource("/")
    URI gateway;

    @BeforeEach
    void nobodyByDefault() {
        RestAssured.replaceFiltersWith(List.of());
    }

    @Test
    void strangersGetAProblemAndHealthStaysOpen() {
        given().when().get("/api/databases").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("detail", containsString("/api/auth/login"));
        given().when().post("/api/apps").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-token").when().get("/api/activity").then().statusCode(401);
        given().header("X-API-Key", "berth_nope").when().get("/api/activity").then().statusCode(401);
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(401);

        String user = "nobody" + suffix();
        given().contentType(ContentType.JSON).body(Map.of("username", user, "password", "wrong-password-123"))
                .when().post("/api/auth/login").then().statusCode(401).contentType("application/problem+json")
                .body("detail", equalTo("unknown user or wrong password"));
        asAdmin().queryParam("actor", user).when().get("/api/audit").then().statusCode(200)
                .body("[0].action", equalTo("sign in")).body("[0].outcome", equalTo("refused"));
    }

    @Test
    void viewersReadOperatorsChangeOnlyAdminsRevealCredentialsAndEveryChangeIsAudited() {
        String viewer = person("viewer");
        String operator = person("operator");

        as(viewer).when().get("/api/databases").then().statusCode(200);
        as(viewer).contentType(ContentType.JSON).body(Map.of("app", "nope" + suffix())).when()
                .post("/api/databases").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("POST /api/databases"));
        as(viewer).when().get("/api/users").then().statusCode(403);
        as(viewer).when().get("/api/auth/me").then().statusCode(200).body("role", equalTo("viewer"))
                .body("via", equalTo("session"));

        String app = "acc" + suffix();
        String id = as(operator).contentType(ContentType.JSON).body(Map.of("app", app)).when()
                .post("/api/databases").then().statusCode(201).body("credentials.password", not(equalTo(null)))
                .extract().path("id");
        as(operator).when().get("/api/databases/" + id + "/credentials").then().statusCode(403);
        as(operator).contentType(ContentType.JSON).body(Map.of("username", "x" + suffix(),
                "password", "long-enough-password", "role", "admin")).when().post("/api/users").then().statusCode(403);
        asAdmin().when().get("/api/databases/" + id + "/credentials").then().statusCode(200)
                .body("username", containsString("berth_" + app));

        Response audit = asAdmin().queryParam("limit", 50).when().get("/api/audit");
        audit.then().statusCode(200);
        List<Map<String, Object>> entries = audit.jsonPath().getList("$");
        assertTrue(entries.stream().anyMatch(e -> e.get("actor").equals("admin")
                && e.get("action").equals("GET /api/databases/" + id + "/credentials") && e.get("outcome").equals("200")),
                "the reveal is in the audit log");
        assertTrue(entries.stream().anyMatch(e -> e.get("actor").equals(operatorName(operator))
                && e.get("action").equals("POST /api/databases") && e.get("outcome").equals("201")
                && "session".equals(e.get("via"))), "the operator's create is in the audit log");
        assertTrue(entries.stream().noneMatch(e -> String.valueOf(e).contains("password")),
                "no password in the audit log");
        asAdmin().when().delete("/api/databases/" + id).then().statusCode(204);
    }

    @Test
    void apiKeysCarryTheirRoleAreShownOnceAndStopWhenRevoked() {
        String operator = person("operator");
        Map<String, Object> made = as(operator).contentType(ContentType.JSON)
                .body(Map.of("name", "ci", "role", "viewer")).when().post("/api/api-keys").then().statusCode(201)
                .body("role", equalTo("viewer")).extract().as(Map.class);
        String key = (String) made.get("key");
        assertTrue(key.startsWith("berth_") && key.length() > 40, "a long random key");

        given().header("X-API-Key", key).when().get("/api/databases").then().statusCode(200);
        given().header("X-API-Key", key).when().get("/api/auth/me").then().statusCode(200)
                .body("via", equalTo("api-key")).body("role", equalTo("viewer"));
        given().header("X-API-Key", key).contentType(ContentType.JSON).body(Map.of("app", "k" + suffix()))
                .when().post("/api/databases").then().statusCode(403);
        asAdmin().queryParam("actor", operatorName(operator)).when().get("/api/audit").then().statusCode(200)
                .body("[0].action", equalTo("POST /api/databases")).body("[0].outcome", equalTo("403"))
                .body("[0].via", equalTo("api-key 'ci' (viewer)"));
        as(operator).when().get("/api/api-keys").then().statusCode(200).body("[0]", not(hasKey("key")))
                .body("name", hasItem("ci"));
        as(operator).contentType(ContentType.JSON).body(Map.of("name", "too much", "role", "admin")).when()
                .post("/api/api-keys").then().statusCode(403);

        as(operator).when().delete("/api/api-keys/" + made.get("id")).then().statusCode(204);
        given().header("X-API-Key", key).when().get("/api/databases").then().statusCode(401);
    }

    @Test
    void signingOutAndRoleChangesCountAtOnce() {
        String operator = person("operator");
        String id = asAdmin().when().get("/api/users").jsonPath().getString("find { it.username == '"
                + operatorName(operator) + "' }.id");
        asAdmin().contentType(ContentType.JSON).body(Map.of("role", "viewer")).when().patch("/api/users/" + id)
                .then().statusCode(200).body("role", equalTo("viewer"));
        as(operator).contentType(ContentType.JSON).body(Map.of("app", "r" + suffix())).when()
                .post("/api/databases").then().statusCode(403);

        as(operator).when().post("/api/auth/logout").then().statusCode(204);
        as(operator).when().get("/api/databases").then().statusCode(401);

        String me = asAdmin().when().get("/api/users").jsonPath().getString("find { it.username == 'admin' }.id");
        asAdmin().contentType(ContentType.JSON).body(Map.of("role", "viewer")).when().patch("/api/users/" + me)
                .then().statusCode(409).body("detail", containsString("last administrator"));
        asAdmin().when().delete("/api/users/" + me).then().statusCode(409);
        asAdmin().when().delete("/api/users/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        asAdmin().contentType(ContentType.JSON).body(Map.of("username", "Bad Name", "password", "long-enough-pass",
                "role", "viewer")).when().post("/api/users").then().statusCode(400)
                .contentType("application/problem+json");
        asAdmin().contentType(ContentType.JSON).body(Map.of("username", "short" + suffix(), "password", "short",
                "role", "viewer")).when().post("/api/users").then().statusCode(400)
                .body("detail", containsString("12 characters"));
    }

    @Test
    void guessingPasswordsIsStoppedForThatNameOnly() {
        String viewer = person("viewer");
        String name = operatorName(viewer);
        for (int i = 0; i < 5; i++) {
            given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "guess-number-" + i))
                    .when().post("/api/auth/login").then().statusCode(401);
        }
        given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "password-of-" + name))
                .when().post("/api/auth/login").then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("detail", containsString("too many failed sign-ins"));
        as(viewer).when().get("/api/auth/me").then().statusCode(200);
        SignedIn.login(gateway, "admin", SignedIn.ADMIN_PASSWORD);
        asAdmin().queryParam("actor", name).when().get("/api/audit").then().statusCode(200)
                .body("[0].outcome", equalTo("throttled"));
    }

    @Test
    void aServiceReachedDirectlyRefusesStrangersAndSessionTokens() {
        String registry = ConfigProvider.getConfig().getValue("berth.gateway.services.registry", String.class);
        given().baseUri(registry).when().get("/api/databases").then().statusCode(401)
                .contentType("application/problem+json");
        // A session token is for the gateway only (another audience): the registry does not take it.
        String viewer = person("viewer");
        given().baseUri(registry).header("Authorization", "Bearer " + viewer).when().get("/api/databases").then()
                .statusCode(401);
        given().baseUri(registry).when().get("/q/health/ready").then().statusCode(200);
        assertEquals(200, as(viewer).when().get("/api/databases").statusCode(), "the same token works at the gateway");
    }

    /** Makes a user with this role and signs them in; returns their session token. */
    private String person(String role) {
        String name = role + suffix();
        asAdmin().contentType(ContentType.JSON).body(Map.of("username", name, "password", "password-of-" + name,
                "role", role)).when().post("/api/users").then().statusCode(201).body("role", equalTo(role));
        String token = SignedIn.login(gateway, name, "password-of-" + name);
        names.put(token, name);
        return token;
    }

    private final Map<String, String> names = new java.util.HashMap<>();

    private String operatorName(String token) {
        return names.get(token);
    }

    private RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private RequestSpecification asAdmin() {
        return as(SignedIn.adminToken(gateway));
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
