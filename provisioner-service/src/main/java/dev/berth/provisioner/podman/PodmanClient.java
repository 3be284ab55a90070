package dev.berth.provisioner.podman;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Transport;

/**
 * A thin, typed client of Podman's libpod REST API (v4) on its unix socket ({@code podman system service}). HTTP
 * is Jetty's client over the JDK's unix-domain channels; JSON is read as trees so no Podman type needs reflection.
 * Calls block: use them from worker threads. Errors carry Podman's own message ({@link PodmanException}).
 */
public final class PodmanClient implements Closeable {

    private static final String API = "http://podman/v4.0.0/libpod";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration IDLE = Duration.ofSeconds(30);

    private final Path socket;
    private final HttpClient http;
    private final Transport transport;
    private final ObjectMapper json;

    public PodmanClient(Path socket, ObjectMapper json) {
        this.socket = socket;
        this.json = json;
        this.transport = new Transport.TCPUnix(socket);
        this.http = new HttpClient();
        http.setName("podman-client");
        http.setIdleTimeout(IDLE.toMillis());
        try {
            http.start();
        } catch (Exception e) {
            throw new PodmanException("cannot start the HTTP client for " + socket, e);
        }
    }

    public Path socket() {
        return socket;
    }

    /** Podman's server version; throws when the socket does not answer. */
    public String version() {
        return call(HttpMethod.GET, "/version", null).path("Version").asText();
    }

    /** How Podman records events: {@code file}, {@code journald} or {@code none}. */
    public String eventLogger() {
        return call(HttpMethod.GET, "/info", null).path("host").path("eventLogger").asText();
    }

    // ---- containers --------------------------------------------------------------------------------------------

    /** Creates (does not start) a container; returns its id. */
    public String create(ContainerSpec spec) {
        return call(HttpMethod.POST, "/containers/create", spec.toLibpod()).path("Id").asText();
    }

    public void start(String idOrName) {
        call(HttpMethod.POST, "/containers/" + segment(idOrName) + "/start", null);
    }

    public void stop(String idOrName, Duration timeout) {
        call(HttpMethod.POST, "/containers/" + segment(idOrName) + "/stop?timeout=" + timeout.toSeconds(), null,
                timeout);
    }

    public void restart(String idOrName, Duration timeout) {
        call(HttpMethod.POST, "/containers/" + segment(idOrName) + "/restart?t=" + timeout.toSeconds(), null, timeout);
    }

    /** Removes the container, stopping it first; its anonymous volumes go with it. Absent is not an error. */
    public void remove(String idOrName, Duration stopTimeout) {
        try {
            call(HttpMethod.DELETE, "/containers/" + segment(idOrName) + "?force=true&v=true&timeout="
                    + stopTimeout.toSeconds(), null, stopTimeout);
        } catch (PodmanException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /** Gives the container another name (running or not; its network aliases stay as they are). */
    public void rename(String idOrName, String newName) {
        call(HttpMethod.POST, "/containers/" + segment(idOrName) + "/rename?name=" + segment(newName), null);
    }

    /** The container, or null when Podman does not know it. */
    public ContainerInfo inspect(String idOrName) {
        try {
            return fromInspect(call(HttpMethod.GET, "/containers/" + segment(idOrName) + "/json", null));
        } catch (PodmanException e) {
            if (e.notFound()) {
                return null;
            }
            throw e;
        }
    }

    /** All containers (running or not) carrying every given label ({@code key=value} or {@code key}). */
    public List<ContainerInfo> list(List<String> labelFilters) {
        String filters = labelFilters.isEmpty() ? "" : "&filters=" + query(Map.of("label", labelFilters));
        List<ContainerInfo> containers = new ArrayList<>();
        for (JsonNode node : call(HttpMethod.GET, "/containers/json?all=true" + filters, null)) {
            containers.add(fromList(node));
        }
        return containers;
    }

    /** A one-shot resource sample; null when the container does not exist or is not running. */
    public ContainerStats stats(String idOrName) {
        try {
            JsonNode stats = call(HttpMethod.GET, "/containers/stats?stream=false&containers=" + segment(idOrName),
                    null).path("Stats");
            if (!stats.isArray() || stats.isEmpty()) {
                return null;
            }
            JsonNode s = stats.get(0);
            if (s.path("PIDs").asLong() == 0 && s.path("MemUsage").asLong() == 0) {
                return null; // Podman 4.3 answers zeros for a container that is not running
            }
            return new ContainerStats(s.path("ContainerID").asText(), s.path("CPU").asDouble(),
                    s.path("MemUsage").asLong(), s.path("MemLimit").asLong(), s.path("NetInput").asLong(),
                    s.path("NetOutput").asLong(), s.path("PIDs").asLong());
        } catch (PodmanException e) {
            if (e.notFound() || e.conflict()) {
                return null;
            }
            throw e;
        }
    }

    /**
     * What running the container's health check once found: Podman's status ({@code healthy}, {@code unhealthy} after
     * the retries, {@code starting} within the start period) and the check's last output.
     */
    public record Health(String status, String output) {

        public boolean healthy() {
            return "healthy".equals(status);
        }
    }

    /**
     * Runs the container's health check now (what {@code podman healthcheck run} does; without systemd Podman runs no
     * checks on its own). Null when the container is not running or does not exist.
     */
    public Health runHealthCheck(String idOrName) {
        try {
            JsonNode result = call(HttpMethod.GET, "/containers/" + segment(idOrName) + "/healthcheck", null);
            String output = "";
            JsonNode log = result.path("Log");
            if (log.isArray() && !log.isEmpty()) {
                output = log.get(log.size() - 1).path("Output").asText("").strip();
            }
            return new Health(result.path("Status").asText(), output);
        } catch (PodmanException e) {
            if (e.notFound() || e.conflict()) {
                return null;
            }
            throw e;
        }
    }

    /** The last {@code lines} lines the container wrote (stdout and stderr), for error messages. */
    public String logs(String idOrName, int lines) {
        Request request = http.newRequest(API + "/containers/" + segment(idOrName) + "/logs?stdout=true&stderr=true&tail="
                + lines).transport(transport).method(HttpMethod.GET).timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ContentResponse response = request.send();
            if (response.getStatus() >= 400) {
                return "";
            }
            return demultiplex(response.getContent());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (TimeoutException | ExecutionException e) {
            return "";
        }
    }

    /** Docker's log framing (8-byte header: stream, 3 zero bytes, payload length) to plain text. */
    static String demultiplex(byte[] content) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i + 8 <= content.length && content[i] <= 2 && content[i + 1] == 0) {
            int size = java.nio.ByteBuffer.wrap(content, i + 4, 4).getInt();
            int end = Math.min(content.length, i + 8 + size);
            text.append(new String(content, i + 8, end - i - 8, StandardCharsets.UTF_8));
            i = end;
        }
        return i == 0 ? new String(content, StandardCharsets.UTF_8) : text.toString();
    }

    // ---- secrets -----------------------------------------------------------------------------------------------

    /** Stores a secret (a file a container can mount); its content never appears in inspect output. */
    public void createSecret(String name, byte[] content) {
        Request request = http.newRequest(API + "/secrets/create?name=" + segment(name)).transport(transport)
                .method(HttpMethod.POST).timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/octet-stream", content));
        send(request);
    }

    public void removeSecret(String name) {
        try {
            call(HttpMethod.DELETE, "/secrets/" + segment(name), null);
        } catch (PodmanException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    // ---- images, networks, volumes -----------------------------------------------------------------------------

    public boolean imageExists(String image) {
        return exists("/images/" + segment(image) + "/exists");
    }

    public boolean networkExists(String name) {
        return exists("/networks/" + segment(name) + "/exists");
    }

    /**
     * Creates a bridge network on {@code subnet} (CIDR) with labels and DNS on (the API's default is off, unlike the
     * CLI's): containers find each other by name and alias.
     */
    public void createNetwork(String name, String subnet, Map<String, String> labels) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("driver", "bridge");
        body.put("dns_enabled", true);
        body.put("subnets", List.of(Map.of("subnet", subnet)));
        body.put("labels", labels);
        call(HttpMethod.POST, "/networks/create", body);
    }

    /** The network's subnets (CIDR), or an empty list when it does not exist. */
    public List<String> networkSubnets(String name) {
        try {
            List<String> subnets = new ArrayList<>();
            call(HttpMethod.GET, "/networks/" + segment(name) + "/json", null).path("subnets")
                    .forEach(s -> subnets.add(s.path("subnet").asText()));
            return subnets;
        } catch (PodmanException e) {
            if (e.notFound()) {
                return List.of();
            }
            throw e;
        }
    }

    /** Whether the network resolves container names (false also when it does not exist). */
    public boolean networkDns(String name) {
        try {
            return call(HttpMethod.GET, "/networks/" + segment(name) + "/json", null).path("dns_enabled").asBoolean();
        } catch (PodmanException e) {
            if (e.notFound()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Joins a running container to the network under its name and {@code aliases}: from then on DNS answers those
     * names with its address there. A container's aliases on a network are fixed while it is connected, so moving a
     * name to it means {@link #disconnectNetwork} first.
     */
    public void connectNetwork(String network, String container, List<String> aliases) {
        call(HttpMethod.POST, "/networks/" + segment(network) + "/connect",
                Map.of("container", container, "aliases", aliases));
    }

    public void disconnectNetwork(String network, String container) {
        call(HttpMethod.POST, "/networks/" + segment(network) + "/disconnect", Map.of("Container", container));
    }

    public void removeNetwork(String name) {
        try {
            call(HttpMethod.DELETE, "/networks/" + segment(name), null);
        } catch (PodmanException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    public void createVolume(String name, Map<String, String> labels) {
        call(HttpMethod.POST, "/volumes/create", Map.of("Name", name, "Labels", labels));
    }

    public boolean volumeExists(String name) {
        return exists("/volumes/" + segment(name) + "/exists");
    }

    public void removeVolume(String name) {
        try {
            call(HttpMethod.DELETE, "/volumes/" + segment(name) + "?force=true", null);
        } catch (PodmanException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /** Names of the volumes carrying the label ({@code key=value}). */
    public List<String> volumes(String labelFilter) {
        return new ArrayList<>(volumesWithLabels(labelFilter).keySet());
    }

    /** The volumes carrying the label ({@code key=value} or {@code key}), each with its labels. */
    public Map<String, Map<String, String>> volumesWithLabels(String labelFilter) {
        Map<String, Map<String, String>> volumes = new java.util.LinkedHashMap<>();
        call(HttpMethod.GET, "/volumes/json?filters=" + query(Map.of("label", List.of(labelFilter))), null)
                .forEach(v -> {
                    Map<String, String> labels = new java.util.HashMap<>();
                    v.path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
                    volumes.put(v.path("Name").asText(), labels);
                });
        return volumes;
    }

    // ---- events ------------------------------------------------------------------------------------------------

    /**
     * Follows container events from {@code sinceNanos} (exclusive of nothing: Podman replays from that second on;
     * 0 = only new ones) that carry every label filter, handing each to {@code sink} on the calling thread until the
     * stream ends or the returned handle is closed. Blocks: run it on a dedicated thread.
     */
    public void followEvents(long sinceNanos, List<String> labelFilters, Consumer<PodmanEvent> sink,
            EventStreamHandle handle) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        filters.put("type", List.of("container"));
        if (!labelFilters.isEmpty()) {
            filters.put("label", labelFilters);
        }
        String since = sinceNanos > 0 ? "&since=" + (sinceNanos / 1_000_000_000L) + "." + String.format("%09d",
                sinceNanos % 1_000_000_000L) : "";
        InputStreamResponseListener listener = new InputStreamResponseListener();
        Request request = http.newRequest(API + "/events?stream=true" + since + "&filters=" + query(filters))
                .transport(transport).method(HttpMethod.GET).idleTimeout(0, TimeUnit.MILLISECONDS);
        handle.bind(request);
        request.send(listener);
        try {
            Response response = listener.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (response.getStatus() != 200) {
                throw new PodmanException(response.getStatus(), "the event stream was refused");
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(listener.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null && !handle.closed()) {
                    if (!line.isBlank()) {
                        sink.accept(toEvent(json.readTree(line)));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodmanException("interrupted while reading Podman events", e);
        } catch (TimeoutException | ExecutionException | IOException e) {
            if (handle.closed()) {
                return;
            }
            throw new PodmanException("the Podman event stream broke: " + e.getMessage(), e);
        }
    }

    /** Lets another thread end a {@link #followEvents} call. */
    public static final class EventStreamHandle {
        private volatile Request request;
        private volatile boolean closed;

        void bind(Request request) {
            this.request = request;
            if (closed) {
                request.abort(new IOException("closed"));
            }
        }

        boolean closed() {
            return closed;
        }

        public void close() {
            closed = true;
            Request current = request;
            if (current != null) {
                current.abort(new IOException("closed"));
            }
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // closing at shutdown: nothing to do about it
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    private boolean exists(String path) {
        try {
            call(HttpMethod.GET, path, null);
            return true;
        } catch (PodmanException e) {
            if (e.notFound()) {
                return false;
            }
            throw e;
        }
    }

    private JsonNode call(HttpMethod method, String path, Object body) {
        return call(method, path, body, Duration.ZERO);
    }

    /** A call that may take {@code waiting} longer than usual (Podman waits that long for a container to stop). */
    private JsonNode call(HttpMethod method, String path, Object body, Duration waiting) {
        Request request = http.newRequest(API + path).transport(transport).method(method)
                .timeout(TIMEOUT.plus(waiting).toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(IDLE.plus(waiting).toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (body != null) {
                request.body(new StringRequestContent("application/json", json.writeValueAsString(body)));
            }
            return send(request);
        } catch (JsonProcessingException e) {
            throw new PodmanException("cannot write the request to Podman: " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode send(Request request) {
        try {
            ContentResponse response = request.send();
            String text = response.getContentAsString();
            if (response.getStatus() >= 400) {
                throw new PodmanException(response.getStatus(), errorMessage(text, response.getStatus()));
            }
            if (text == null || text.isBlank()) {
                return json.nullNode();
            }
            // A few calls (network connect and disconnect) answer a plain "OK".
            String type = response.getMediaType();
            return type != null && !type.contains("json") ? json.getNodeFactory().textNode(text) : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new PodmanException("Podman sent JSON Berth cannot read: " + e.getOriginalMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodmanException("interrupted while calling Podman", e);
        } catch (TimeoutException | ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PodmanException("Podman is not reachable on " + socket + ": " + cause.getMessage(), e);
        }
    }

    private String errorMessage(String body, int status) {
        try {
            String message = json.readTree(body).path("message").asText("");
            return message.isBlank() ? "Podman answered " + status : message;
        } catch (IOException | RuntimeException e) {
            return "Podman answered " + status;
        }
    }

    private String query(Object filters) {
        try {
            return URLEncoder.encode(json.writeValueAsString(filters), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String segment(String value) {
        if (value == null || value.isBlank() || value.contains("..")) {
            throw new IllegalArgumentException("not a container, image, network or volume name: " + value);
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        if (object != null && object.isObject()) {
            object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }

    private static OffsetDateTime time(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(node.asLong()), java.time.ZoneOffset.UTC);
        }
        try {
            return OffsetDateTime.parse(node.asText());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ContainerInfo fromInspect(JsonNode c) {
        Map<String, String> env = new LinkedHashMap<>();
        c.path("Config").path("Env").forEach(e -> {
            String entry = e.asText();
            int eq = entry.indexOf('=');
            env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        });
        Map<String, String> addresses = new LinkedHashMap<>();
        c.path("NetworkSettings").path("Networks").fields().forEachRemaining(n -> addresses.put(n.getKey(),
                n.getValue().path("IPAddress").asText()));
        JsonNode state = c.path("State");
        List<ContainerSpec.PortMapping> ports = new ArrayList<>();
        c.path("NetworkSettings").path("Ports").fields().forEachRemaining(p -> p.getValue().forEach(binding -> {
            String[] port = p.getKey().split("/");
            ports.add(new ContainerSpec.PortMapping(binding.path("HostIp").asText(), binding.path("HostPort").asInt(),
                    Integer.parseInt(port[0]), port.length > 1 ? port[1] : "tcp"));
        }));
        return new ContainerInfo(c.path("Id").asText(), c.path("Name").asText().replaceFirst("^/", ""),
                c.path("ImageName").asText(c.path("Image").asText()), state.path("Status").asText(),
                state.path("ExitCode").isMissingNode() ? null : state.path("ExitCode").asInt(),
                strings(c.path("Config").path("Labels")), env, time(c.path("Created")), addresses, ports,
                time(state.path("StartedAt")));
    }

    private static ContainerInfo fromList(JsonNode c) {
        JsonNode names = c.path("Names");
        String name = names.isArray() && !names.isEmpty() ? names.get(0).asText().replaceFirst("^/", "") : "";
        List<ContainerSpec.PortMapping> ports = new ArrayList<>();
        c.path("Ports").forEach(p -> ports.add(new ContainerSpec.PortMapping(p.path("host_ip").asText(),
                p.path("host_port").asInt(), p.path("container_port").asInt(), p.path("protocol").asText("tcp"))));
        return new ContainerInfo(c.path("Id").asText(), name, c.path("Image").asText(), c.path("State").asText(),
                c.path("ExitCode").isMissingNode() ? null : c.path("ExitCode").asInt(), strings(c.path("Labels")),
                Map.of(), time(c.path("Created")), Map.of(), ports, null);
    }

    private static PodmanEvent toEvent(JsonNode e) {
        return new PodmanEvent(e.path("Type").asText(), e.path("Action").asText(e.path("status").asText()),
                e.path("Actor").path("ID").asText(e.path("id").asText()), strings(e.path("Actor").path("Attributes")),
                e.path("timeNano").asLong());
    }
}
