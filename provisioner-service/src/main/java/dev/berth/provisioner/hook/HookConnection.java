package dev.berth.provisioner.hook;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.berth.provisioner.hook.HttpHead.MalformedMessage;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One client connection to the hook, relayed message by message over a connection of its own to Podman's socket.
 * Requests pass through as sent; container creates go through {@link Creates} first. When Podman switches the
 * connection to a raw stream — {@code 101 UPGRADED} for attach and exec (the {@code Upgrade: tcp} clients send), or
 * an answer framed by neither length nor chunks — both directions are spliced byte for byte until Podman closes:
 * stdin, the multiplexed stdout/stderr frames, TTY bytes and end-of-input (a half-close) behave as on Podman's own
 * socket. TTY resizes are ordinary requests on other connections.
 */
final class HookConnection implements Runnable {

    private static final Logger LOG = Logger.getLogger(HookConnection.class);
    private static final Pattern LIBPOD_CREATE = Pattern.compile("(/v[0-9.]+)?/libpod/containers/create");
    private static final Pattern DOCKER_CREATE = Pattern.compile("(/v[0-9.]+)?/containers/create");
    /** A create body is a few KiB; anything near this is not a container spec. */
    private static final int MAX_CREATE_BYTES = 4 * 1024 * 1024;

    /** What the hook does with a container create. */
    interface Creates {

        /** Reads the create and decides: forward {@link Decision#body()}, or answer the refusal. */
        Decision decide(String target, boolean libpod, byte[] body);

        /** Podman answered the forwarded create (an admission whose create failed is undone). */
        void answered(Decision decision, int status);
    }

    /** Either a body to forward (refusal null) or a refusal to answer in Podman's error format. */
    record Decision(byte[] body, Object admission, int status, String refusal) {

        static Decision forward(byte[] body, Object admission) {
            return new Decision(body, admission, 0, null);
        }

        static Decision refuse(int status, String errorJson) {
            return new Decision(null, null, status, errorJson);
        }
    }

    private final ChannelStreams client;
    private final Path podmanSocket;
    private final Creates creates;
    private final ExecutorService splicers;
    private ChannelStreams podman;

    HookConnection(SocketChannel client, Path podmanSocket, Creates creates, ExecutorService splicers) {
        this.client = new ChannelStreams(client);
        this.podmanSocket = podmanSocket;
        this.creates = creates;
        this.splicers = splicers;
    }

    @Override
    public void run() {
        try {
            while (relayOne()) {
                // next request on the same connection
            }
        } catch (MalformedMessage e) {
            LOG.debugf("hook: %s", e.getMessage());
            answer(400, "Bad Request", error("the request could not be read: " + e.getMessage(), 400));
        } catch (IOException e) {
            LOG.debugf("hook: connection ended: %s", e.getMessage());
        } catch (RuntimeException e) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.errorf(e, "hook: a request failed, error %s", id);
            answer(500, "Internal Server Error", error("an unexpected error, logged as " + id + " in the "
                    + "provisioner's log", 500));
        } finally {
            client.close();
            if (podman != null) {
                podman.close();
            }
        }
    }

    /** Relays one request and its answer; false when the connection is done. */
    private boolean relayOne() throws IOException {
        HttpHead request = HttpHead.read(client.in);
        if (request == null) {
            return false;
        }
        boolean libpod = LIBPOD_CREATE.matcher(request.path()).matches();
        if ("POST".equals(request.method()) && (libpod || DOCKER_CREATE.matcher(request.path()).matches())) {
            return relayCreate(request, libpod);
        }
        if (!connectPodman()) {
            return false;
        }
        podman.out.write(request.bytes());
        HttpBodies.copyRequestBody(request, client.in, podman.out);
        HttpHead response = finalResponse();
        client.out.write(response.bytes());
        if (response.status() == 101 || HttpBodies.delimitedByClose(request.method(), response)) {
            splice();
            return false;
        }
        HttpBodies.copyResponseBody(request.method(), response, podman.in, client.out);
        return keepAlive(request, response);
    }

    private boolean relayCreate(HttpHead request, boolean libpod) throws IOException {
        byte[] body = HttpBodies.readRequestBody(request, client.in, MAX_CREATE_BYTES);
        Decision decision = creates.decide(request.target(), libpod, body);
        if (decision.refusal() != null) {
            answer(decision.status(), reason(decision.status()), decision.refusal());
            return !request.headerContains("Connection", "close");
        }
        if (!connectPodman()) {
            creates.answered(decision, 502);
            return false;
        }
        request.remove("Transfer-Encoding").remove("Expect").set("Content-Length", String.valueOf(
                decision.body().length));
        podman.out.write(request.bytes());
        podman.out.write(decision.body());
        HttpHead response = finalResponse();
        boolean toClose = HttpBodies.delimitedByClose(request.method(), response);
        byte[] answer;
        try {
            answer = HttpBodies.readResponseBody(request.method(), response, podman.in, MAX_CREATE_BYTES);
        } finally {
            creates.answered(decision, response.status());
        }
        response.remove("Transfer-Encoding").set("Content-Length", String.valueOf(answer.length));
        client.out.write(response.bytes());
        client.out.write(answer);
        return !toClose && keepAlive(request, response);
    }

    /** Reads Podman's answer, passing interim 1xx answers (except 101, which is final) on to the client. */
    private HttpHead finalResponse() throws IOException {
        while (true) {
            HttpHead response = HttpHead.read(podman.in);
            if (response == null) {
                throw new IOException("Podman closed the connection without an answer");
            }
            int status = response.status();
            if (status >= 200 || status == 101) {
                return response;
            }
            client.out.write(response.bytes());
        }
    }

    /** Both directions byte for byte; ends when Podman has nothing more to send (the stream or the process ended). */
    private void splice() {
        var toPodman = splicers.submit(() -> {
            try {
                client.in.transferTo(podman.out);
            } catch (IOException ended) {
                // the client or Podman closed: nothing more to forward
            } finally {
                podman.shutdownOutput();
            }
        });
        try {
            podman.in.transferTo(client.out);
        } catch (IOException ended) {
            // Podman closed or the client went away
        } finally {
            client.shutdownOutput();
            toPodman.cancel(true);
        }
    }

    private boolean connectPodman() {
        if (podman != null) {
            return true;
        }
        try {
            podman = new ChannelStreams(SocketChannel.open(UnixDomainSocketAddress.of(podmanSocket)));
            return true;
        } catch (IOException e) {
            LOG.warnf("hook: Podman's socket %s cannot be reached: %s", podmanSocket, e.getMessage());
            answer(502, "Bad Gateway", error("Podman's API socket cannot be reached (" + e.getMessage() + ")", 502));
            return false;
        }
    }

    private static boolean keepAlive(HttpHead request, HttpHead response) {
        return !request.headerContains("Connection", "close") && !response.headerContains("Connection", "close")
                && !request.toString().endsWith("HTTP/1.0");
    }

    private void answer(int status, String reason, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpHead head = HttpHead.response(status, reason).set("Content-Type", "application/json")
                .set("Content-Length", String.valueOf(body.length));
        try {
            client.out.write(head.bytes());
            client.out.write(body);
        } catch (IOException gone) {
            LOG.debugf("hook: the client left before its answer: %s", gone.getMessage());
        }
    }

    /** Podman's own error shape, so clients print the message as they print Podman's. */
    static String error(String message, int status) {
        String quoted = new String(JsonStringEncoder.getInstance().quoteAsString("Berth: " + message));
        return "{\"cause\":\"refused by Berth\",\"message\":\"" + quoted + "\",\"response\":" + status + "}";
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Entity";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
