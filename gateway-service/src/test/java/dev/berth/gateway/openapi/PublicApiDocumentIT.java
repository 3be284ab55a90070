package dev.berth.gateway.openapi;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one public API document, read and validated by a third-party parser (swagger-parser), the way a client
 * generator or the fuzzer would read it.
 */
@QuarkusTest
class PublicApiDocumentIT {

    private static OpenAPI parsed(List<String> messages) {
        String json = given().header("Authorization", "").when().get("/q/openapi?format=json").then()
                .statusCode(200).extract().asString();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
        messages.addAll(result.getMessages() == null ? List.of() : result.getMessages());
        return result.getOpenAPI();
    }

    @Test
    void theMergedDocumentIsValidAndOpenToRead() {
        List<String> messages = new ArrayList<>();
        OpenAPI api = parsed(messages);
        assertNotNull(api, "not parsed: " + messages);
        assertEquals(List.of(), messages);
        assertEquals("Berth API", api.getInfo().getTitle());
        assertTrue(api.getComponents().getSecuritySchemes().containsKey("session"));
        assertTrue(api.getComponents().getSecuritySchemes().containsKey("apiKey"));
        given().header("Authorization", "").when().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void everyOperationSaysWhatItDoesWhoMayCallItAndHowItFails() {
        OpenAPI api = parsed(new ArrayList<>());
        List<String> missing = new ArrayList<>();
        api.getPaths().forEach((path, item) -> {
            assertFalse(path.startsWith("/internal"), "service-to-service route in the public document: " + path);
            assertTrue(path.startsWith("/api/"), "not a public route: " + path);
            item.readOperationsMap().forEach((method, op) -> {
                String name = method + " " + path;
                if (op.getSummary() == null || op.getSummary().isBlank()) {
                    missing.add(name + ": summary");
                }
                if (op.getOperationId() == null) {
                    missing.add(name + ": operationId");
                }
                Object roles = op.getExtensions() == null ? null : op.getExtensions().get("x-berth-roles");
                if (!(roles instanceof List<?> list)) {
                    missing.add(name + ": x-berth-roles");
                } else if (!list.equals(AccessTable.roles(method.name(), path))) {
                    missing.add(name + ": roles " + list);
                }
                ApiResponse unauthenticated = op.getResponses().get("401");
                if (!path.equals("/api/auth/login") && (unauthenticated == null
                        || !unauthenticated.getContent().containsKey("application/problem+json")
                        || unauthenticated.getContent().get("application/problem+json").getExamples() == null)) {
                    missing.add(name + ": 401 problem with an example");
                }
                if (op.getResponses().get("500") == null) {
                    missing.add(name + ": 500 problem");
                }
                if (PublicApiDocument.serviceBehind(path) != null && op.getResponses().get("503") == null) {
                    missing.add(name + ": 503 naming the service");
                }
            });
        });
        assertEquals(List.of(), missing);
        Operation reveal = api.getPaths().get("/api/databases/{id}/credentials").getGet();
        assertEquals(List.of("admin"), reveal.getExtensions().get("x-berth-roles"));
        assertNotNull(reveal.getResponses().get("403"));
        assertTrue(api.getPaths().get("/api/auth/login").getPost().getSecurity().isEmpty());
    }

    @Test
    void everyRouteTheServicesServeBehindTheGatewayIsInItAndEveryDocumentedRouteIsRouted() throws IOException {
        OpenAPI api = parsed(new ArrayList<>());
        Set<String> documented = operations(api);
        Set<String> expected = new TreeSet<>();
        for (String service : List.of("registry", "backup")) {
            OpenAPI own = serviceDocument(service);
            operations(own).stream().filter(op -> op.contains(" /api/")).forEach(expected::add);
        }
        assertTrue(expected.size() > 30, "the services' documents look empty: " + expected);
        Set<String> absent = new TreeSet<>(expected);
        absent.removeAll(documented);
        assertEquals(Set.of(), absent, "served behind the gateway but not in its document");
        for (String op : documented) {
            String path = op.substring(op.indexOf(' ') + 1);
            boolean gatewayOwn = path.startsWith("/api/auth") || path.startsWith("/api/users")
                    || path.startsWith("/api/api-keys") || path.startsWith("/api/audit")
                    || path.startsWith("/api/activity") || path.equals("/api/events");
            String service = PublicApiDocument.serviceBehind(path);
            assertTrue(gatewayOwn || service != null, "documented but not routed by the gateway: " + op);
            if (expected.contains(op)) {
                assertNotNull(service, op + " is a service route the gateway does not forward");
            }
        }
    }

    @Test
    void docsApiMdHasACurlExampleForEveryPublicOperationAndNoneForARouteThatIsGone() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "api.md"));
        // Each operation is a line "`METHOD /api/…` — what it does", followed by its example, up to the next one.
        Matcher headings = Pattern.compile("(?m)^`((?:GET|POST|PUT|PATCH|DELETE) /api/[^`]*)`").matcher(guide);
        Map<String, String> sections = new TreeMap<>();
        String open = null;
        int from = 0;
        while (headings.find()) {
            if (open != null) {
                sections.put(open, guide.substring(from, headings.start()));
            }
            open = headings.group(1);
            from = headings.end();
        }
        if (open != null) {
            sections.put(open, guide.substring(from));
        }
        Set<String> documented = operations(parsed(new ArrayList<>()));
        Set<String> withoutExample = new TreeSet<>(documented);
        sections.forEach((op, text) -> {
            if (text.contains("curl ")) {
                withoutExample.remove(op);
            }
        });
        assertEquals(Set.of(), withoutExample, "docs/api.md: no `METHOD /path` line with its curl example");
        Set<String> stale = new TreeSet<>(sections.keySet());
        stale.removeAll(documented);
        assertEquals(Set.of(), stale, "docs/api.md describes operations the API does not have");
    }

    private static Set<String> operations(OpenAPI api) {
        Set<String> ops = new TreeSet<>();
        for (Map.Entry<String, PathItem> e : api.getPaths().entrySet()) {
            e.getValue().readOperationsMap().keySet().forEach(m -> ops.add(m + " " + e.getKey()));
        }
        return ops;
    }

    /** The document a service made at its build, as the gateway's build copied it. */
    private static OpenAPI serviceDocument(String service) throws IOException {
        try (InputStream in = PublicApiDocumentIT.class.getClassLoader()
                .getResourceAsStream("META-INF/berth-openapi/" + service + "/openapi.yaml")) {
            assertNotNull(in, "no " + service + " document in the gateway's build");
            return new OpenAPIV3Parser().readContents(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getOpenAPI();
        }
    }
}
