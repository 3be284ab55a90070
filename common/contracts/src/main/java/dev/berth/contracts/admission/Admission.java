package dev.berth.contracts.admission;

import java.util.Map;
import java.util.UUID;

/**
 * The registry's answer to an {@link AdmissionRequest}. {@code env} null: leave the create as it is. {@code appId}
 * is set only when this admission recorded a new app, which the hook undoes ({@code DELETE /internal/admissions/{id}})
 * if Podman refuses the create; a further replica of an existing app has none, so its failure undoes nothing.
 * {@code env} holds the injected credentials: never logged.
 */
public record Admission(UUID appId, String app, UUID databaseId, Map<String, String> env) {

    public static Admission leaveAlone() {
        return new Admission(null, null, null, null);
    }

    @Override
    public String toString() {
        return "Admission[" + app + ", database " + databaseId + "]";
    }
}
