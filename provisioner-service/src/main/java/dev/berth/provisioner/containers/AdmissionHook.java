package dev.berth.provisioner.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.provisioner.client.RegistryClient.Admission;
import dev.berth.provisioner.client.RegistryClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * The admission hook: a Podman/Docker-compatible API socket ({@code berth.containers.hook-socket}) in front of Berth's
 * Podman socket. Every request is passed through unchanged (Jetty's reverse proxy, responses streamed), except
 * container creates — libpod's and Docker's — which the registry sees first: when the env asks for a database (or
 * label {@code berth.database} names one) the composed env, Berth's labels and the data network are put into the
 * create. Label {@code berth.database=none} opts out. When the registry refuses, the client gets the reason in
 * Podman's error format and nothing is created; when Podman refuses an admitted create, the admission is undone.
 * Not supported through the hook: attaching to a container's terminal (hijacked connections), e.g. {@code run -it}.
 */
@ApplicationScoped
public class AdmissionHook {

    private static final Logger LOG = Logger.getLogger(AdmissionHook.class);
    private static final Pattern LIBPOD_CREATE = Pattern.compile("(/v[0-9.]+)?/libpod/containers/create");
    private static final Pattern DOCKER_CREATE = Pattern.compile("(/v[0-9.]+)?/containers/create");
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Inject
    ContainerRuntime runtime;

    @Inject
    ObjectMapper json;

    @Inject
    @RestClient
    RegistryClient registry;

    private Server server;
    private HttpClient client;
    private Transport podman;

    void onStart(@Observes StartupEvent start) throws Exception {
        var hook = runtime.config().hookSocket().filter(s -> !s.isBlank());
        if (hook.isEmpty() || !runtime.configured()) {
            return;
        }
        Path socket = Path.of(hook.get());
        Files.createDirectories(socket.toAbsolutePath().getParent());
        Files.deleteIfExists(socket);
        podman = new Transport.TCPUnix(Path.of(runtime.config().socket().orElseThrow()));
        client = new HttpClient();
        client.setName("podman-hook-client");
        client.start();

        server = new Server();
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        ProxyHandler.Reverse passThrough = new ProxyHandler.Reverse(request -> HttpURI.build(request.getHttpURI())
                .scheme("http").host("podman").port(80)) {
            @Override
            protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest,
                    HttpURI newHttpURI) {
                return super.newProxyToServerRequest(clientToProxyRequest, newHttpURI).transport(podman)
                        .idleTimeout(0, TimeUnit.MILLISECONDS);
            }
        };
        passThrough.setHttpClient(client);
        server.setHandler(new Handler.Sequence(new CreateInterceptor(), passThrough));
        server.start();
        // Like Podman's own socket: only root (or whoever runs Berth) may use it.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        LOG.infof("Podman admission hook listening on %s", socket);
    }

    void onStop(@Observes ShutdownEvent stop) throws Exception {
        if (server != null) {
            server.stop();
        }
        if (client != null) {
            client.stop();
        }
    }

    /** Handles container creates; everything else goes on to the pass-through proxy. */
    private final class CreateInterceptor extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!"POST".equals(request.getMethod())) {
                return false;
            }
            String path = request.getHttpURI().getPath();
            boolean libpod = LIBPOD_CREATE.matcher(path).matches();
            if (!libpod && !DOCKER_CREATE.matcher(path).matches()) {
                return false;
            }
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            ObjectNode spec;
            try {
                spec = json.readTree(body) instanceof ObjectNode object ? object : null;
            } catch (IOException unreadable) {
                spec = null;
            }
            String forwarded = body;
            Admission admission = null;
            if (spec != null) {
                // Not a create Berth can read (spec null): Podman answers it as it would without the hook.
                try {
                    String name = libpod ? text(spec, "name")
                            : Request.extractQueryParameters(request).getValue("name");
                    admission = admit(spec, libpod, name);
                    if (admission != null && admission.env() != null) {
                        try {
                            inject(spec, libpod, admission);
                            forwarded = json.writeValueAsString(spec);
                        } catch (RuntimeException | IOException e) {
                            abandon(admission);
                            throw e instanceof ProblemException p ? p : new IllegalStateException(e);
                        }
                    }
                } catch (ProblemException refused) {
                    respond(response, callback, refused.problem().status(), error(refused.problem().detail(),
                            refused.problem().status()), "application/json");
                    return true;
                } catch (RuntimeException unavailable) {
                    // Never create without the database the app asked for: refuse until the registry answers.
                    LOG.warnf("hook: the registry did not answer an admission: %s", unavailable.getMessage());
                    respond(response, callback, 503, error("the Berth registry cannot be reached, so the database "
                            + "this container may need cannot be provided; try again", 503), "application/json");
                    return true;
                }
            }
            ContentResponse answer = client.newRequest("http://podman" + request.getHttpURI().getPathQuery())
                    .transport(podman).method("POST").timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .body(new StringRequestContent("application/json", forwarded)).send();
            if (answer.getStatus() >= 300) {
                abandon(admission);
            }
            respond(response, callback, answer.getStatus(), answer.getContentAsString(),
                    answer.getHeaders().get(HttpHeader.CONTENT_TYPE));
            return true;
        }
    }

    /** Undoes an admission whose container will not exist (the app row goes, a database made for it is dropped). */
    private void abandon(Admission admission) {
        if (admission == null || admission.appId() == null) {
            return;
        }
        UUID appId = admission.appId();
        registry.abandon(appId).onFailure().invoke(e -> LOG.warnf("hook: could not undo the admission of %s: %s",
                appId, e.getMessage())).onFailure().recoverWithNull().await().atMost(TIMEOUT);
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
        return registry.admit(new RegistryClient.AdmissionRequest(name, image, env, labels)).await().atMost(TIMEOUT);
    }

    /** The composed env, Berth's labels, and the data network unless the client chose a network itself. */
    private void inject(ObjectNode spec, boolean libpod, Admission admission) {
        Map<String, String> labels = Map.of(ContainerLabels.OWNER, runtime.config().owner(), ContainerLabels.APP,
                admission.app(), ContainerLabels.DATABASE, String.valueOf(admission.databaseId()));
        String network = runtime.config().network();
        runtime.ensureNetwork();
        if (libpod) {
            ObjectNode env = spec.putObject("env");
            admission.env().forEach(env::put);
            ObjectNode labelNode = spec.has("labels") && spec.get("labels").isObject() ? (ObjectNode) spec.get("labels")
                    : spec.putObject("labels");
            labels.forEach(labelNode::put);
            JsonNode networks = spec.path("Networks");
            String nsmode = spec.path("netns").path("nsmode").asText("");
            if ((networks.isMissingNode() || networks.isEmpty()) && (nsmode.isEmpty() || nsmode.equals("bridge"))) {
                spec.putObject("netns").put("nsmode", "bridge");
                spec.putObject("Networks").putObject(network);
            }
        } else {
            ArrayNode env = spec.putArray("Env");
            admission.env().forEach((k, v) -> env.add(k + "=" + v));
            ObjectNode labelNode = spec.has("Labels") && spec.get("Labels").isObject() ? (ObjectNode) spec.get("Labels")
                    : spec.putObject("Labels");
            labels.forEach(labelNode::put);
            ObjectNode hostConfig = spec.has("HostConfig") && spec.get("HostConfig").isObject()
                    ? (ObjectNode) spec.get("HostConfig") : spec.putObject("HostConfig");
            String mode = hostConfig.path("NetworkMode").asText("");
            if (mode.isEmpty() || mode.equals("default") || mode.equals("bridge")) {
                hostConfig.put("NetworkMode", network);
            }
        }
    }

    private String error(String message, int status) {
        ObjectNode error = json.createObjectNode();
        error.put("cause", "refused by Berth");
        error.put("message", "Berth: " + message);
        error.put("response", status);
        return error.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void respond(Response response, Callback callback, int status, String body, String contentType) {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
