package dev.berth.provisioner.podman;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to create: libpod's SpecGenerator, reduced to what Berth sets. {@code network} (may be null) is joined with
 * {@code aliases}; ports are published on {@code hostIp} (127.0.0.1 unless said otherwise).
 */
public record ContainerSpec(String name, String image, Map<String, String> env, Map<String, String> labels,
        List<PortMapping> ports, String network, List<String> aliases, List<String> command,
        List<VolumeMount> volumes, List<SecretMount> secrets, Resources resources, HealthCheck healthCheck) {

    /** An app container: no secrets, no limits, the image's own health check. */
    public ContainerSpec(String name, String image, Map<String, String> env, Map<String, String> labels,
            List<PortMapping> ports, String network, List<String> aliases, List<String> command,
            List<VolumeMount> volumes) {
        this(name, image, env, labels, ports, network, aliases, command, volumes, null, null, null);
    }

    public ContainerSpec {
        env = env == null ? Map.of() : Map.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ports = ports == null ? List.of() : List.copyOf(ports);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        command = command == null ? List.of() : List.copyOf(command);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    /** A Podman secret mounted as a file at {@code target}, readable by the container's root only. */
    public record SecretMount(String source, String target) {
    }

    /** Limits: memory in bytes and CPUs (1.5 = one and a half cores); null = none. */
    public record Resources(Long memoryBytes, Double cpus) {
    }

    /** The health check Podman runs ({@code podman healthcheck run}): {@code test} as in a HEALTHCHECK. */
    public record HealthCheck(List<String> test, java.time.Duration interval, java.time.Duration timeout,
            java.time.Duration startPeriod, int retries) {
    }

    /** A published port: {@code hostIp:hostPort → containerPort/protocol}. */
    public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    }

    /** A named volume mounted at {@code destination}. */
    public record VolumeMount(String name, String destination) {
    }

    /** The libpod create body. */
    Map<String, Object> toLibpod() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("image", image);
        body.put("env", env);
        body.put("labels", labels);
        if (!command.isEmpty()) {
            body.put("command", command);
        }
        List<Map<String, Object>> mappings = new ArrayList<>();
        for (PortMapping port : ports) {
            mappings.add(Map.of("host_ip", port.hostIp() == null ? "127.0.0.1" : port.hostIp(), "host_port",
                    port.hostPort(), "container_port", port.containerPort(), "protocol",
                    port.protocol() == null ? "tcp" : port.protocol()));
        }
        body.put("portmappings", mappings);
        if (network != null) {
            body.put("netns", Map.of("nsmode", "bridge"));
            body.put("Networks", Map.of(network, Map.of("aliases", aliases)));
        }
        if (!volumes.isEmpty()) {
            body.put("volumes", volumes.stream().map(v -> Map.of("Name", v.name(), "Dest", v.destination())).toList());
        }
        if (!secrets.isEmpty()) {
            body.put("secrets", secrets.stream().map(m -> Map.of("Source", m.source(), "Target", m.target(),
                    "Mode", 0400)).toList()); // root only: the entrypoints read it before dropping privileges
        }
        if (resources != null) {
            Map<String, Object> limits = new LinkedHashMap<>();
            if (resources.memoryBytes() != null) {
                limits.put("memory", Map.of("limit", resources.memoryBytes()));
            }
            if (resources.cpus() != null) {
                long period = 100_000;
                limits.put("cpu", Map.of("quota", Math.round(resources.cpus() * period), "period", period));
            }
            body.put("resource_limits", limits);
        }
        if (healthCheck != null) {
            body.put("healthconfig", Map.of("Test", healthCheck.test(), "Interval", healthCheck.interval().toNanos(),
                    "Timeout", healthCheck.timeout().toNanos(), "StartPeriod", healthCheck.startPeriod().toNanos(),
                    "Retries", healthCheck.retries()));
        }
        return body;
    }
}
