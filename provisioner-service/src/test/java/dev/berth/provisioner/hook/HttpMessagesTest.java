package dev.berth.provisioner.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hook's HTTP/1.1 framing: what it relays must be byte for byte what was sent, and stop where the message ends. */
class HttpMessagesTest {

    private static InputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aHeadIsKeptAsSentAndTheRestOfTheStreamStaysUnread() throws IOException {
        InputStream stream = in("POST /v1.41/containers/create?name=a%20b HTTP/1.1\r\nHost: d\r\n"
                + "X-Custom:  spaced \r\nContent-Length: 2\r\n\r\n{}NEXT");
        HttpHead head = HttpHead.read(stream);
        assertEquals("POST", head.method());
        assertEquals("/v1.41/containers/create", head.path());
        assertEquals("a b", AdmissionHook.queryValue(head.target(), "name"));
        assertEquals("spaced", head.header("x-custom"));
        assertEquals(2, head.contentLength());
        assertEquals("POST /v1.41/containers/create?name=a%20b HTTP/1.1\r\nHost: d\r\nX-Custom: spaced\r\n"
                + "Content-Length: 2\r\n\r\n", new String(head.bytes(), StandardCharsets.ISO_8859_1));
        assertEquals("{}", new String(HttpBodies.readRequestBody(head, stream, 100), StandardCharsets.UTF_8));
        assertEquals("NEXT", new String(stream.readAllBytes(), StandardCharsets.ISO_8859_1));
        assertNull(HttpHead.read(in("")), "a closed keep-alive connection is not an error");
    }

    @Test
    void chunkedBodiesAreCopiedWithTheirFramingAndEndAtTheLastChunk() throws IOException {
        String chunked = "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n";
        HttpHead response = HttpHead.read(in("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        InputStream stream = in(chunked + "AFTER");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpBodies.copyResponseBody("GET", response, stream, out);
        assertEquals(chunked, out.toString(StandardCharsets.ISO_8859_1));
        assertEquals("AFTER", new String(stream.readAllBytes(), StandardCharsets.ISO_8859_1));

        HttpHead request = HttpHead.read(in("POST /containers/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals("Wikipedia", new String(HttpBodies.readRequestBody(request, in(chunked), 100),
                StandardCharsets.ISO_8859_1), "a create is read without its framing");
        assertThrows(HttpHead.MalformedMessage.class, () -> HttpBodies.readRequestBody(request, in(chunked), 5));
    }

    @Test
    void upgradesAndUnframedAnswersAreStreamsNotMessages() throws IOException {
        HttpHead upgraded = HttpHead.read(in("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream"
                + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"));
        assertEquals(101, upgraded.status());
        assertFalse(HttpBodies.responseHasBody("POST", upgraded));
        HttpHead unframed = HttpHead.read(in("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream"
                + "\r\n\r\n"));
        assertTrue(HttpBodies.delimitedByClose("POST", unframed));
        HttpHead empty = HttpHead.read(in("HTTP/1.1 204 No Content\r\n\r\n"));
        assertFalse(HttpBodies.delimitedByClose("POST", empty));
        assertFalse(HttpBodies.delimitedByClose("HEAD", unframed), "an answer to HEAD never has a body");
    }

    @Test
    void brokenMessagesAreRefusedNotGuessed() {
        assertThrows(HttpHead.MalformedMessage.class, () -> HttpHead.read(in("GET / HTTP/1.1\r\nno colon here\r\n\r\n")));
        assertThrows(HttpHead.MalformedMessage.class, () -> HttpHead.read(in("GET / HTTP/1.1\r\nHost: d\r\n")),
                "closed inside the head");
        assertThrows(HttpHead.MalformedMessage.class, () -> HttpHead.read(in("POST / HTTP/1.1\r\nContent-Length: -1"
                + "\r\n\r\n")).contentLength());
        assertThrows(HttpHead.MalformedMessage.class, () -> HttpHead.read(in("GET / HTTP/1.1\r\nX: "
                + "a".repeat(HttpHead.MAX_BYTES) + "\r\n\r\n")));
    }

    @Test
    void theGatewayOfADataNetworkIsItsFirstAddress() {
        assertEquals("172.30.0.1", AdmissionHook.gateway("172.30.0.0/16"));
        assertEquals("172.31.240.1", AdmissionHook.gateway("172.31.240.0/24"));
    }
}
