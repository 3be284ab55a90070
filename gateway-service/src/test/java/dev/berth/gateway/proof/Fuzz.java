package dev.berth.gateway.proof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hostile requests for one operation of the API document, from a seeded {@link Random} (the seed is printed, so a
 * failure can be replayed with {@code -Dberth.fuzz.seed=…}): malformed JSON, wrong types, missing and extra fields,
 * huge strings and bodies, unicode, SQL and shell metacharacters, bad path ids and bad query values. Hand-written:
 * jqwik, the property-testing library that resolves here, runs on JUnit Platform 1.x and this suite on JUnit 6.
 */
final class Fuzz {

    /** One request: where, with which body and content type (null body: none). */
    record Request(String method, String path, String body, String contentType) {
        @Override
        public String toString() {
            String shown = body == null ? "" : " " + (body.length() > 120 ? body.substring(0, 120) + "… ("
                    + body.length() + " chars)" : body);
            return method + " " + (path.length() > 160 ? path.substring(0, 160) + "…" : path) + shown;
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final List<String> NASTY = List.of("'; DROP ROLE postgres; --", "\" OR 1=1 --", "$(reboot)",
            "`id`", "a\u0000b", "../../../../etc/passwd", "%00", "<script>alert(1)</script>", "café ☕ 😀", "\u202egnp.exe",
            "", " ", "null", "-1", "0", "1e309", "99999999999999999999", "true", "{}", "[]", "\\", "\n\r\t",
            "${jndi:ldap://127.0.0.1/x}", "%s%s%s%n", "NaN");
    private static final List<String> MALFORMED = List.of("{", "[1,2", "\"", "nul", "{\"a\":}", "{'a':1}", "{\"a\" 1}",
            "\u0000", "{\"a\":1}}", "[", "{\"a\":\"\\u12\"}", "{{}}", "<xml/>");

    private final Random random;
    private final JsonNode document;

    /** {@code document}: the API document, for the schemas its bodies refer to. */
    Fuzz(long seed, JsonNode document) {
        random = new Random(seed);
        this.document = document;
    }

    Request next(Sweeper.Operation op) {
        String path = path(op);
        String query = query(op);
        String body = null;
        String type = "application/json";
        if (op.takesBody() || !op.method().equals("GET") && random.nextInt(4) == 0) {
            int kind = random.nextInt(10);
            if (kind < 2) {
                body = pick(MALFORMED);
            } else if (kind == 2) {
                body = pick(List.of("[]", "123", "\"text\"", "null", "true", "[{}]"));
            } else if (kind == 3) {
                body = "{\"x\":\"" + "A".repeat(1 << (16 + random.nextInt(5))) + "\"}";
            } else if (kind == 4) {
                body = "{\"ok\":1}";
                type = pick(List.of("text/plain", "application/xml", "application/x-www-form-urlencoded"));
            } else {
                body = object(op.spec().path("requestBody")).toString();
            }
        }
        return new Request(op.method(), path + query, body, type);
    }

    /** The path with each parameter something it should refuse (or a value that names nothing). */
    private String path(Sweeper.Operation op) {
        Matcher m = PARAM.matcher(op.template());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (random.nextInt(4)) {
                case 0 -> pick(NASTY);
                case 1 -> "x".repeat(1 + random.nextInt(3000));
                case 2 -> java.util.UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT) + "0";
                default -> java.util.UUID.randomUUID().toString();
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value.isEmpty() ? "%20"
                    : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String query(Sweeper.Operation op) {
        List<String> pairs = new ArrayList<>();
        for (JsonNode p : op.spec().path("parameters")) {
            if (p.path("in").asText().equals("query") && random.nextBoolean()) {
                pairs.add(p.path("name").asText() + "=" + URLEncoder.encode(pick(NASTY), StandardCharsets.UTF_8));
            }
        }
        if (random.nextInt(5) == 0) {
            pairs.add("unknown=" + URLEncoder.encode(pick(NASTY), StandardCharsets.UTF_8));
        }
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    /** An object with the body's documented fields, each either missing, of a wrong type or a hostile string. */
    private ObjectNode object(JsonNode requestBody) {
        ObjectNode out = NODES.objectNode();
        JsonNode schema = resolved(requestBody.path("content").path("application/json").path("schema"));
        Iterator<Map.Entry<String, JsonNode>> fields = schema.path("properties").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (random.nextInt(3) == 0) {
                continue;
            }
            out.set(field.getKey(), wrong(resolved(field.getValue()).path("type").asText("object")));
        }
        if (random.nextInt(3) == 0) {
            out.put("extra_" + random.nextInt(100), pick(NASTY));
        }
        return out;
    }

    private JsonNode resolved(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.startsWith("#/") ? document.at(ref.substring(1)) : schema;
    }

    private JsonNode wrong(String type) {
        return switch (random.nextInt(6)) {
            case 0 -> NODES.textNode(pick(NASTY));
            case 1 -> NODES.textNode("z".repeat(1 << (8 + random.nextInt(12))));
            case 2 -> type.equals("integer") || type.equals("number") ? NODES.textNode("many")
                    : NODES.numberNode(random.nextBoolean() ? -1 : Long.MAX_VALUE);
            case 3 -> {
                ArrayNode a = NODES.arrayNode();
                a.add(pick(NASTY));
                yield a;
            }
            case 4 -> NODES.nullNode();
            default -> type.equals("boolean") ? NODES.textNode("maybe") : NODES.objectNode().put("$gt", "");
        };
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
