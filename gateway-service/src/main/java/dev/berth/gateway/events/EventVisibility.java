package dev.berth.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What of an event the stream shows. Every role may read what the events describe (databases, containers, backups
 * and restores are all readable with a viewer's {@code GET}s); what no role may read are secrets. Events carry none
 * by contract; this is the second line: any field whose name says it is a secret is dropped, at any depth, before an
 * event reaches any stream. Admin-only records (the audit log, users) are not events and never reach the stream.
 */
public final class EventVisibility {

    private static final Pattern SECRET_FIELD = Pattern.compile(
            "(?i).*(password|passwd|secret|token|credentials?|apikey|privatekey)$");

    private EventVisibility() {
    }

    /** A copy of {@code data} without secret-looking fields. */
    public static JsonNode scrub(JsonNode data) {
        JsonNode copy = data.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (SECRET_FIELD.matcher(field.getKey()).matches()) {
                    it.remove();
                } else {
                    strip(field.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(EventVisibility::strip);
        }
    }
}
