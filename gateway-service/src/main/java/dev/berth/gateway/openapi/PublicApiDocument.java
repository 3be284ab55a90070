package dev.berth.gateway.openapi;

import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.gateway.routing.ServiceRoutes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Makes the one public API document at build time, after the registry's and the backup service's documents were
 * merged into the gateway's ({@code quarkus.smallrye-openapi.additional-docs-directory}): drops service-to-service
 * routes ({@code /internal}), and gives every operation what a client needs and the services' annotations do not
 * repeat: a tag, who may call it ({@code x-berth-roles} and a sentence), how to sign in, and the problem answers it can
 * give, each with an example.
 */
public class PublicApiDocument implements OASFilter {

    static final String ROLES_EXTENSION = "x-berth-roles";
    static final String PROBLEM_SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Paths paths = api.getPaths();
        if (paths == null) {
            return;
        }
        for (String path : List.copyOf(paths.getPathItems().keySet())) {
            if (!path.startsWith("/api/")) {
                paths.removePathItem(path);
            }
        }
        api.getComponents().addSchema(PROBLEM_SCHEMA, problemSchema());
        api.getComponents().addSecurityScheme("session", OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                .description("The token from POST /api/auth/login (12 h unless signed out)."));
        api.getComponents().addSecurityScheme("apiKey", OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("X-API-Key")
                .description("A key made at POST /api/api-keys; it may do what its role allows, never more than "
                        + "its owner."));
        api.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme("session"),
                OASFactory.createSecurityRequirement().addScheme("apiKey")));
        paths.getPathItems().forEach((path, item) -> item.getOperations()
                .forEach((method, operation) -> describe(path, method, operation)));
    }

    private void describe(String path, PathItem.HttpMethod method, Operation operation) {
        List<String> roles = AccessTable.roles(method.name(), path);
        operation.addExtension(ROLES_EXTENSION, roles);
        String who = roles.isEmpty() ? "No sign-in needed."
                : roles.size() == AccessTable.EVERYONE_SIGNED_IN.size() ? "Roles: any signed-in role ("
                        + String.join(", ", roles) + ")." : "Roles: " + String.join(", ", roles) + ".";
        String description = operation.getDescription();
        operation.setDescription(description == null || description.isBlank() ? who : description + "\n\n" + who);
        // One tag per resource, whichever service serves it (the generated ones name Java classes).
        operation.setTags(List.of(tag(path)));
        if (roles.isEmpty()) {
            operation.setSecurity(List.<SecurityRequirement>of());
        }
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        boolean body = operation.getRequestBody() != null;
        boolean write = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
        if (body || operation.getParameters() != null && !operation.getParameters().isEmpty()) {
            problem(responses, ProblemType.INVALID_REQUEST, "name: use lowercase letters, digits and underscores");
        }
        if (!roles.isEmpty()) {
            problem(responses, ProblemType.UNAUTHENTICATED, "this needs a valid token (Authorization: Bearer …) or "
                    + "API key (X-API-Key); sign in at POST /api/auth/login");
        }
        if (!roles.isEmpty() && roles.size() < AccessTable.EVERYONE_SIGNED_IN.size()) {
            problem(responses, ProblemType.FORBIDDEN, "your role does not allow " + method + " " + path);
        }
        if (path.contains("{")) {
            problem(responses, ProblemType.NOT_FOUND, "no database 3f1c9a52-8a5e-4f57-9d1e-2a8b6f0c7d11");
        }
        if (write && !path.startsWith("/api/auth/")) {
            problem(responses, ProblemType.CONFLICT, "a database named 'shop' exists on this instance");
        }
        if (body) {
            problem(responses, ProblemType.PAYLOAD_TOO_LARGE, "the request body is over 1048576 bytes");
        }
        String service = serviceBehind(path);
        if (service != null) {
            problem(responses, ProblemType.DEPENDENCY_UNAVAILABLE, "the " + service + " service is not reachable; "
                    + "check that it runs (./berth status)");
            problem(responses, ProblemType.DEPENDENCY_FAILED, "the " + service + " service broke off its answer");
            problem(responses, ProblemType.DEPENDENCY_TIMEOUT, "the " + service + " service did not answer in time");
        }
        problem(responses, ProblemType.INTERNAL, "something went wrong inside Berth (error id 7f3a2c1d); "
                + "the service's log has the cause");
    }

    /** The service the gateway forwards {@code path} to (as {@link ServiceRoutes} matches it), or null. */
    static String serviceBehind(String path) {
        String concrete = path.replaceAll("\\{[^/]+}", "x");
        if (ServiceRoutes.BACKUP.stream().anyMatch(concrete::matches)) {
            return "backup";
        }
        return ServiceRoutes.REGISTRY.stream().anyMatch(concrete::matches) ? "registry" : null;
    }

    private static String tag(String path) {
        String rest = path.substring("/api/".length());
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (path.matches("/api/databases/[^/]+/(backups|restore|imports)(/.*)?") || first.startsWith("backup")
                || first.equals("restores")) {
            return "backups";
        }
        return first.isEmpty() ? "api" : first.toLowerCase(Locale.ROOT);
    }

    private static void problem(APIResponses responses, ProblemType type, String detail) {
        String code = String.valueOf(type.status());
        if (responses.hasAPIResponse(code)) {
            APIResponse existing = responses.getAPIResponse(code);
            if (existing.getContent() != null && existing.getContent().hasMediaType(Problem.MEDIA_TYPE)) {
                return;
            }
        }
        Problem example = Problem.of(type, detail);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", example.type().toString());
        value.put("title", example.title());
        value.put("status", example.status());
        value.put("detail", example.detail());
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM_SCHEMA))
                .addExample(type.slug(), OASFactory.createExample().value(value)));
        APIResponse response = responses.hasAPIResponse(code) ? responses.getAPIResponse(code)
                : OASFactory.createAPIResponse().description(type.title());
        response.setContent(content);
        responses.addAPIResponse(code, response);
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem document: every Berth error has this shape.")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri")
                        .description("Stable: https://berth.dev/problems/<slug>."))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("What went wrong and what to do, for a person."))
                .addProperty("instance", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .required(List.of("type", "title", "status"));
    }
}
