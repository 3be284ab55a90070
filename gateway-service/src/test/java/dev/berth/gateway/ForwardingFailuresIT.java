package dev.berth.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * When a service behind the gateway fails, the caller learns which one and how, as a problem document: a stand-in
 * for the backup service (the JDK's HTTP server on loopback) that is slow (504), breaks off (502) and is gone
 * (503). Also: oversized bodies are refused at the gateway (413), and every answer carries an X-Request-Id.
 */
@QuarkusTest
@TestProfile(ForwardingFailuresIT.StandIn.class)
class ForwardingFailuresIT {

    static StandInService standIn;

    public static class StandIn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("berth.gateway.services.backup", "http://127.0.0.1:" + start().port(),
                    "berth.gateway.routes.backup.timeout", "1s");
        }
    }

    static synchronized StandInService start() {
        if (standIn == null) {
            standIn = new StandInService(0);
        }
        return standIn;
    }

    /**
     * A raw HTTP/1.1 server, one answer per connection, so each failure is exactly what it says: slow, silent,
     * cut off midway. (The JDK's HttpServer keeps a connection open after a failed handler.)
     */
    static final class StandInService {
        private final ServerSocket socket;

        StandInService(int port) {
            try {
                socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread acceptor = new Thread(this::serve, "stand-in-backup");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        void stop() throws IOException {
            socket.close();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread handler = new Thread(() -> answer(connection), "stand-in-answer");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void answer(Socket connection) {
            try (connection) {
                var in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                String requestLine = in.readLine();
                String requestId = null;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("x-request-id:")) {
                        requestId = line.substring(line.indexOf(':') + 1).strip();
                    }
                }
                String path = requestLine.split(" ")[1];
                OutputStream out = connection.getOutputStream();
                if (path.startsWith("/api/backups/health")) {
                    Thread.sleep(3000); // longer than the route's 1 s timeout
                    write(out, "{}");
                } else if (path.startsWith("/api/backups/download-like")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(new byte[64 * 1024]);
                    out.flush(); // ... and the connection closes, 936 KB short
                } else if (path.startsWith("/api/restores")) {
                    write(out, "{\"seen\":\"" + requestId + "\"}");
                }
                // /api/backup-settings: no answer at all, the connection just closes.
            } catch (IOException | InterruptedException e) {
                // the test is over or the gateway went away
            }
        }

        private static void write(OutputStream out, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
        }
    }

    @Test
    void aSlowServiceIsA504NamingIt() {
        given().when().get("/api/backups/health").then().statusCode(504).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/service-timeout"))
                .body("detail", containsString("the backup service did not answer within 1 s"));
    }

    @Test
    void aServiceThatBreaksOffIsA502NamingIt() {
        given().contentType(ContentType.JSON).body("{\"retentionDays\":7}").when().put("/api/backup-settings").then()
                .statusCode(502).contentType("application/problem+json")
                .body("detail", containsString("the backup service closed the connection"));
    }

    @Test
    void aStreamThatBreaksOffMidwayIsNeverACompleteAnswer() throws Exception {
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI
                + ":" + RestAssured.port + "/api/backups/download-like"))
                .header("Authorization", "Bearer " + SignedIn.adminToken(URI.create(
                        RestAssured.baseURI + ":" + RestAssured.port + "/"))).build();
        // The head (200, Content-Length 1 MB) was relayed before the service broke off: the body must fail, never end
        // early as if it were whole.
        Assertions.assertThrows(IOException.class, () -> {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            Assertions.fail("a complete answer: " + response.statusCode() + ", " + response.body().length + " bytes");
        });
    }

    @Test
    void requestIdsArePassedOnAndReturnedOrMadeUp() {
        given().header("X-Request-Id", "trace-42").when().get("/api/restores").then().statusCode(200)
                .header("X-Request-Id", "trace-42").body("seen", equalTo("trace-42"));
        given().when().get("/api/restores").then().statusCode(200)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"))
                .body("seen", matchesPattern("[0-9a-f-]{36}"));
        // Not a token: replaced, never echoed into logs or headers as given.
        given().header("X-Request-Id", "bad id\u00e9").when().get("/api/restores").then()
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void anOversizedBodyIsA413BeforeAnythingIsForwarded() {
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        given().contentType(ContentType.JSON).body(big).when().post("/api/databases").then().statusCode(413)
                .contentType("application/problem+json").body("detail", containsString("at most 1048576 bytes"));
    }

    @Test
    void aServiceThatIsGoneIsA503NamingIt() throws IOException {
        StandInService server = start();
        int port = server.port();
        server.stop();
        try {
            given().when().get("/api/restores").then().statusCode(503).contentType("application/problem+json")
                    .body("detail", containsString("the backup service cannot be reached"));
        } finally {
            synchronized (ForwardingFailuresIT.class) {
                standIn = new StandInService(port); // back for the other tests, on the port the gateway was told
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
