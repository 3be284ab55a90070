package dev.berth.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.testing.TestInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Bad bodies get a problem document a person can act on, and change nothing: no role, no database, no catalog row.
 */
@QuarkusTest
class BadRequestsIT {

    private static String counts() {
        var pg = TestInfrastructure.get().postgres();
        // Warm pool databases come and go on their own (the provisioner refills the pool after another test's claim):
        // CI saw one made between the two counts. Only what a request could have made counts.
        return pg.sql("postgres", "SELECT (SELECT count(*) FROM pg_database WHERE datname NOT LIKE 'berth\\_pool\\_%') "
                        + "|| '/' || (SELECT count(*) FROM pg_roles)")
                + "/" + pg.sql("berth_registry", "SELECT count(*) FROM app_databases") + "/"
                + pg.sql("berth_registry", "SELECT count(*) FROM apps");
    }

    private static void refused(String path, String body, String detail) {
        given().contentType(ContentType.JSON).body(body).when().post(path).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/invalid-request"))
                .body("detail", startsWith(detail));
    }

    @Test
    void wrongJsonTypesNameTheFieldAndChangeNothing() {
        String before = counts();
        refused("/api/databases", "[]", "the body must be an object, not an array");
        refused("/api/databases", "{\"app\":{\"a\":1}}", "field app must be a string, not an object");
        refused("/api/databases", "{\"app\":\"bad1\",\"connectionLimit\":\"x\"}",
                "field connectionLimit must be a whole number, not the string \"x\"");
        refused("/api/databases", "{\"app\":\"bad4\",\"connectionLimit\":1.5}",
                "field connectionLimit must be a whole number, not 1.5");
        refused("/api/apps", "{\"name\":\"bad2\",\"image\":\"i\",\"env\":[\"A\"]}", "field env must be an object");
        refused("/api/apps", "{\"name\":\"bad3\",\"image\":\"i\",\"ports\":[{\"hostPort\":\"high\"}]}",
                "field ports[0].hostPort must be a whole number");
        assertEquals(before, counts());
    }

    @Test
    void malformedJsonSaysWhereItBroke() {
        String before = counts();
        refused("/api/databases", "{\"app\": ", "the body is not valid JSON: Unexpected end-of-input");
        refused("/api/databases", "not json", "the body is not valid JSON: Unrecognized token 'not'");
        assertEquals(before, counts());
    }

    @Test
    void anOversizedBodyIsA413WithTheLimit() {
        char[] padding = new char[1024 * 1024 + 1];
        Arrays.fill(padding, ' ');
        String before = counts();
        given().contentType(ContentType.JSON).body("{\"app\":\"huge\"}" + new String(padding)).when()
                .post("/api/databases").then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/payload-too-large"))
                .body("detail", startsWith("the body is 1048591 bytes; POST /api/databases accepts at most 1048576"));
        assertEquals(before, counts());
    }
}
