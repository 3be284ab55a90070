package dev.berth.provisioner.podman;

import java.util.Map;

/**
 * One entry of Podman's event stream: {@code action} as libpod names it (create, start, stop, died, remove…),
 * {@code attributes} holds the container's name, image and labels; {@code timeNano} orders and resumes the stream.
 */
public record PodmanEvent(String type, String action, String id, Map<String, String> attributes, long timeNano) {

    public String attribute(String key) {
        return attributes == null ? null : attributes.get(key);
    }
}
