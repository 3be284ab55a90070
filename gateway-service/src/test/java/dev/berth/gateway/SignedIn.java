package dev.berth.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * The gateway's tests act as the first administrator, signed in for real (POST /api/auth/login with the test
 * profile's initial password): a RestAssured filter adds the session token to every request without credentials of
 * its own. {@link AccessIT} removes the filter to test strangers and other roles.
 */
public class SignedIn implements QuarkusTestBeforeEachCallback {

    static final String ADMIN_PASSWORD = "it-admin-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String adminToken;

    static final Filter AS_ADMIN = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")
                && !request.getHeaders().hasHeaderWithName("X-API-Key")) {
            request.header("Authorization", "Bearer " + adminToken(URI.create(request.getURI())));
        }
        return context.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.replaceFiltersWith(List.of(AS_ADMIN));
    }

    static synchronized String adminToken(URI any) {
        if (adminToken == null) {
            adminToken = login(any, "admin", ADMIN_PASSWORD);
        }
        return adminToken;
    }

    /** Signs in at the gateway that {@code any} points to; fails the test when refused. */
    static String login(URI any, String username, String password) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            any.resolve("/api/auth/login")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("username", username,
                            "password", password)))).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new AssertionError("sign-in as " + username + " refused: " + answer.statusCode());
            }
            return JSON.readTree(answer.body()).get("token").asText();
        } catch (IOException e) {
            throw new AssertionError("sign-in as " + username + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
