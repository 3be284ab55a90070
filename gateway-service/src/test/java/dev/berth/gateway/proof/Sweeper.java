package dev.berth.gateway.proof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls the gateway the way the sweeps need: every operation of its merged OpenAPI document, its path parameters
 * filled with values that name nothing (a random UUID, an unknown pid), at most 20 s to the answer's headers (a
 * hang is a failure), event streams closed after their headers. Every 4xx body is kept for the secret search.
 */
final class Sweeper {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

    /** One operation of the document, with what its parameters accept. */
    record Operation(String method, String template, JsonNode spec) {
        @Override
        public String toString() {
            return method + " " + template;
        }

        /** The path with each parameter filled: from its enum when it has one, otherwise a value that names nothing. */
        String path() {
            Matcher m = PARAM.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(value(m.group(1)),
                        StandardCharsets.UTF_8)));
            }
            m.appendTail(out);
            return out.toString();
        }

        private String value(String name) {
            for (JsonNode p : spec.path("parameters")) {
                if (p.path("name").asText().equals(name) && p.path("schema").has("enum")) {
                    return p.path("schema").path("enum").get(0).asText();
                }
                if (p.path("name").asText().equals(name) && p.path("schema").path("type").asText().equals("integer")) {
                    return "999999";
                }
            }
            return switch (name) {
                case "action" -> "start";
                case "pid" -> "999999";
                case "containerId" -> "0123456789ab";
                default -> UUID.randomUUID().toString();
            };
        }

        boolean takesBody() {
            return spec.has("requestBody");
        }
    }

    /** What came back: status, content type, body (empty for a stream). */
    record Answer(int status, String contentType, String body) {
        boolean problem() {
            return contentType != null && contentType.startsWith("application/problem+json");
        }
    }

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> errorBodies = new ArrayList<>();
    private JsonNode document;

    Sweeper(String base) {
        this.base = base;
    }

    /** The operations of the gateway's merged document under /api. */
    List<Operation> operations() throws IOException, InterruptedException {
        Answer doc = send("GET", "/q/openapi?format=json", null, null);
        if (doc.status() != 200) {
            throw new AssertionError("the API document: " + doc.status());
        }
        List<Operation> out = new ArrayList<>();
        document = JSON.readTree(doc.body());
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> m = methods.next();
                String method = m.getKey().toUpperCase(java.util.Locale.ROOT);
                if (List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    out.add(new Operation(method, path.getKey(), m.getValue()));
                }
            }
        }
        return out;
    }

    /** The operation with no real target and, where it takes one, an empty JSON object as its body. */
    Answer call(Operation op, String authorization, String apiKey) throws IOException, InterruptedException {
        return exchange(op.method(), op.path(), authorization, apiKey, op.takesBody() ? "{}" : null,
                "application/json");
    }

    /** A call with a session token (or none) and an optional JSON body. */
    Answer send(String method, String path, String token, String json) throws IOException, InterruptedException {
        return exchange(method, path, token == null ? null : "Bearer " + token, null, json, "application/json");
    }

    Answer exchange(String method, String path, String authorization, String apiKey, String body, String type)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", type);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new AssertionError(method + " " + path + " did not answer within 20 s", e);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        String text;
        try (InputStream in = response.body()) {
            // An event stream never ends: its headers are the answer.
            text = contentType != null && contentType.startsWith("text/event-stream") ? ""
                    : new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
        if (response.statusCode() >= 400) {
            synchronized (errorBodies) {
                errorBodies.add(text);
            }
        }
        return new Answer(response.statusCode(), contentType, text);
    }

    /** Signs in; the session token. */
    String login(String username, String password) throws IOException, InterruptedException {
        Answer a = send("POST", "/api/auth/login", null, JSON.writeValueAsString(Map.of("username", username,
                "password", password)));
        if (a.status() != 200) {
            throw new AssertionError("sign-in as " + username + ": " + a.status() + " " + a.body());
        }
        return JSON.readTree(a.body()).path("token").asText();
    }

    /** The API document {@link #operations()} read. */
    JsonNode document() {
        return document;
    }

    List<String> errorBodies() {
        synchronized (errorBodies) {
            return List.copyOf(errorBodies);
        }
    }
}
