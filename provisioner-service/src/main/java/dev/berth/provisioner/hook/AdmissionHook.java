package dev.berth.provisioner.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.contracts.admission.Admission;
import dev.berth.contracts.admission.AdmissionRequest;
import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.Unreachable;
import dev.berth.provisioner.client.RegistryClient;
import dev.berth.provisioner.containers.ContainerRuntime;
import dev.berth.provisioner.hook.HookConnection.Decision;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * The admission hook: a Podman/Docker-compatible API socket ({@code berth.containers.hook-socket}) in front of Berth's
 * Podman socket, for any client — podman, docker, docker-compose. {@link HookConnection} relays every request and
 * every hijacked stream (attach, exec, {@code run -i/-it}) unchanged; container creates — libpod's and Docker's —
 * are shown to the registry first: when the env asks for a database (or label {@code berth.database} names one) the
 * composed env, Berth's labels and the data network are put into the create. Label {@code berth.database=none} opts
 * out. When the registry refuses, the client gets the reason in Podman's error format and nothing is created; when
 * Podman refuses an admitted create, the admission is undone.
 *
 * <p>Each connection has a thread of its own (plus one while a stream is spliced): CLI clients open a handful, and a
 * blocking relay is what lets a raw stream pass byte for byte. See ADR 0004 for why it is not a library proxy.
 */
@ApplicationScoped
public class AdmissionHook implements HookConnection.Creates {

    private static final Logger LOG = Logger.getLogger(AdmissionHook.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String HOST_ALIAS = "host.containers.internal";

    @Inject
    ContainerRuntime runtime;

    @Inject
    ObjectMapper json;

    @Inject
    @RestClient
    RegistryClient registry;

    private ServerSocketChannel server;
    private ExecutorService connections;
    private Path socket;

    void onStart(@Observes StartupEvent start) throws IOException {
        var hook = runtime.config().hookSocket().filter(s -> !s.isBlank());
        if (hook.isEmpty() || !runtime.configured()) {
            return;
        }
        socket = Path.of(hook.get()).toAbsolutePath();
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        // Like Podman's own socket: only root (or whoever runs Berth) and its group may use it.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        AtomicInteger count = new AtomicInteger();
        connections = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "berth-hook-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Path podman = Path.of(runtime.config().socket().orElseThrow());
        Thread acceptor = new Thread(() -> accept(podman), "berth-hook-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.infof("Podman admission hook listening on %s", socket);
    }

    private void accept(Path podman) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                connections.execute(new HookConnection(client, podman, this, connections));
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                LOG.warnf("hook: accept failed: %s", e.getMessage());
            }
        }
    }

    void onStop(@Observes ShutdownEvent stop) throws IOException {
        if (server != null) {
            server.close();
            connections.shutdownNow();
            Files.deleteIfExists(socket);
        }
    }

    @Override
    public Decision decide(String target, boolean libpod, byte[] body) {
        ObjectNode spec;
        try {
            spec = json.readTree(body) instanceof ObjectNode object ? object : null;
        } catch (IOException unreadable) {
            spec = null;
        }
        if (spec == null) {
            // Not a create Berth can read: Podman answers it as it would without the hook.
            return Decision.forward(body, null);
        }
        Admission admission;
        try {
            String name = libpod ? text(spec, "name") : queryValue(target, "name");
            admission = admit(spec, libpod, name);
        } catch (ProblemException refused) {
            return Decision.refuse(refused.problem().status(), HookConnection.error(refused.problem().detail(),
                    refused.problem().status()));
        } catch (RuntimeException e) {
            if (!Unreachable.is(e)) {
                throw e; // a bug: a 500 with its cause in the log (HookConnection), not a disguised outage
            }
            // Never create without the database the app asked for: refuse until the registry answers.
            LOG.warnf("hook: the registry did not answer an admission: %s", e.getMessage());
            return Decision.refuse(503, HookConnection.error("the Berth registry cannot be reached, so the database "
                    + "this container may need cannot be provided; try again", 503));
        }
        if (admission == null || admission.env() == null) {
            return Decision.forward(body, admission);
        }
        try {
            inject(spec, libpod, admission);
            return Decision.forward(json.writeValueAsBytes(spec), admission);
        } catch (IOException | RuntimeException e) {
            abandon(admission);
            throw new IllegalStateException("could not inject the database into the create", e);
        }
    }

    @Override
    public void answered(Decision decision, int status) {
        if (status >= 300 && decision.admission() instanceof Admission admission) {
            abandon(admission);
        }
    }

    /** Undoes an admission whose container will not exist (the app row goes, a database made for it is dropped). */
    private void abandon(Admission admission) {
        if (admission.appId() == null) {
            return;
        }
        UUID appId = admission.appId();
        try {
            registry.abandon(appId).await().atMost(TIMEOUT);
        } catch (RuntimeException e) {
            // The orphan sweep undoes admissions left without a create after 10 minutes.
            LOG.warnf("hook: could not undo the admission of app %s (the orphan sweep will): %s", appId,
                    e.getMessage());
        }
    }

    private Admission admit(ObjectNode spec, boolean libpod, String name) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        if (libpod) {
            spec.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            spec.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        } else {
            spec.path("Env").forEach(e -> {
                String entry = e.asText();
                int eq = entry.indexOf('=');
                env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            });
            spec.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        if (ContainerLabels.NO_DATABASE.equals(labels.get(ContainerLabels.DATABASE))) {
            return null;
        }
        String image = libpod ? text(spec, "image") : text(spec, "Image");
        return registry.admit(new AdmissionRequest(name, image, env, labels)).await().atMost(TIMEOUT);
    }

    /**
     * The composed env, Berth's labels, and the data network: as the only network when the client chose none, or
     * as a second one beside the client's own (compose's {@code <project>_default}), so the app reaches its database
     * either way. With two networks {@code host.containers.internal} is pinned to the data network's gateway: Podman
     * would otherwise pick either network's, and the database admits only Berth's data network.
     */
    private void inject(ObjectNode spec, boolean libpod, Admission admission) {
        Map<String, String> labels = Map.of(ContainerLabels.OWNER, runtime.config().owner(), ContainerLabels.APP,
                admission.app(), ContainerLabels.DATABASE, String.valueOf(admission.databaseId()));
        String network = runtime.config().network();
        String hostEntry = HOST_ALIAS + ":" + gateway(runtime.config().subnet());
        runtime.ensureNetwork();
        if (libpod) {
            ObjectNode env = spec.putObject("env");
            admission.env().forEach(env::put);
            objectField(spec, "labels").setAll(objectOf(labels));
            String nsmode = spec.path("netns").path("nsmode").asText("");
            if (nsmode.isEmpty() || nsmode.equals("bridge")) {
                ObjectNode networks = objectField(spec, "Networks");
                if (networks.isEmpty()) {
                    spec.putObject("netns").put("nsmode", "bridge");
                } else if (!networks.has(network)) {
                    addHost(arrayField(spec, "hostadd"), hostEntry);
                }
                if (!networks.has(network)) {
                    networks.putObject(network);
                }
            }
        } else {
            ArrayNode env = spec.putArray("Env");
            admission.env().forEach((k, v) -> env.add(k + "=" + v));
            objectField(spec, "Labels").setAll(objectOf(labels));
            ObjectNode hostConfig = objectField(spec, "HostConfig");
            String mode = hostConfig.path("NetworkMode").asText("");
            if (mode.isEmpty() || mode.equals("default") || mode.equals("bridge")) {
                hostConfig.put("NetworkMode", network);
            } else if (!mode.equals(network) && !mode.equals("host") && !mode.equals("none") && !mode.contains(":")) {
                ObjectNode endpoints = objectField(objectField(spec, "NetworkingConfig"), "EndpointsConfig");
                if (!endpoints.has(mode)) {
                    endpoints.putObject(mode);
                }
                endpoints.putObject(network);
                addHost(arrayField(hostConfig, "ExtraHosts"), hostEntry);
            }
        }
    }

    /** The client's own entry for the alias, if any, wins. */
    private static void addHost(ArrayNode hosts, String entry) {
        for (JsonNode host : hosts) {
            if (host.asText().startsWith(HOST_ALIAS + ":")) {
                return;
            }
        }
        hosts.add(entry);
    }

    /** The first address of an IPv4 subnet ({@code 172.30.0.0/16} → {@code 172.30.0.1}): Podman's gateway. */
    static String gateway(String subnet) {
        String[] octets = subnet.substring(0, subnet.indexOf('/')).split("\\.");
        return octets[0] + "." + octets[1] + "." + octets[2] + "." + (Integer.parseInt(octets[3]) + 1);
    }

    private static ArrayNode arrayField(ObjectNode spec, String field) {
        return spec.get(field) instanceof ArrayNode existing ? existing : spec.putArray(field);
    }

    private ObjectNode objectOf(Map<String, String> values) {
        ObjectNode node = json.createObjectNode();
        values.forEach(node::put);
        return node;
    }

    private static ObjectNode objectField(ObjectNode spec, String field) {
        return spec.get(field) instanceof ObjectNode existing ? existing : spec.putObject(field);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String queryValue(String target, String name) {
        int query = target.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String pair : target.substring(query + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
