package dev.berth.contracts.admission;

import java.util.Map;

/**
 * A container create as the provisioner's Podman hook shows it to the registry ({@code POST /internal/admissions}).
 * {@code env} may hold the app's secrets: never logged.
 */
public record AdmissionRequest(String name, String image, Map<String, String> env, Map<String, String> labels) {

    @Override
    public String toString() {
        return "AdmissionRequest[" + name + ", " + image + "]";
    }
}
