package dev.berth.provisioner.hook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The head of one HTTP/1.1 message as the hook relays it: the start line and the header fields in their order and
 * spelling, so what Podman receives is what the client sent, except where the hook changes a field on purpose.
 */
final class HttpHead {

    /** Larger heads are refused: no Podman or Docker client sends more than a few KiB. */
    static final int MAX_BYTES = 64 * 1024;

    private final String startLine;
    private final List<String[]> fields;

    private HttpHead(String startLine, List<String[]> fields) {
        this.startLine = startLine;
        this.fields = fields;
    }

    static HttpHead response(int status, String reason) {
        return new HttpHead("HTTP/1.1 " + status + " " + reason, new ArrayList<>());
    }

    /**
     * Reads a head up to and including its empty line; null when the stream ends before its first byte (the peer
     * closed a kept-alive connection, which is normal).
     */
    static HttpHead read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (total == 0) {
                    return null;
                }
                throw new MalformedMessage("the connection closed inside a message head");
            }
            if (++total > MAX_BYTES) {
                throw new MalformedMessage("a message head larger than " + MAX_BYTES + " bytes");
            }
            if (b == '\n') {
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                String text = line.substring(0, end);
                line.setLength(0);
                if (text.isEmpty()) {
                    if (lines.isEmpty()) {
                        continue; // stray CRLF between messages (RFC 9112 §2.2 says to ignore it)
                    }
                    return parse(lines);
                }
                lines.add(text);
            } else {
                line.append((char) b); // heads are ISO-8859-1 on the wire
            }
        }
    }

    private static HttpHead parse(List<String> lines) throws MalformedMessage {
        List<String[]> fields = new ArrayList<>();
        for (String field : lines.subList(1, lines.size())) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMessage("a header line without a name: " + field);
            }
            fields.add(new String[] {field.substring(0, colon), field.substring(colon + 1).strip()});
        }
        String start = lines.get(0);
        if (start.split(" ", 3).length < 3 && !start.startsWith("HTTP/")) {
            throw new MalformedMessage("not an HTTP request line: " + start);
        }
        return new HttpHead(start, fields);
    }

    String method() {
        return startLine.substring(0, startLine.indexOf(' '));
    }

    /** The request target as sent: path and query. */
    String target() {
        String[] parts = startLine.split(" ", 3);
        return parts[1];
    }

    String path() {
        String target = target();
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    int status() {
        String[] parts = startLine.split(" ", 3);
        try {
            return Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    String header(String name) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                return field[1];
            }
        }
        return null;
    }

    boolean headerContains(String name, String token) {
        String value = header(name);
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    HttpHead set(String name, String value) {
        remove(name);
        fields.add(new String[] {name, value});
        return this;
    }

    HttpHead remove(String name) {
        fields.removeIf(field -> field[0].equalsIgnoreCase(name));
        return this;
    }

    boolean chunked() {
        String encoding = header("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** -1 when absent. */
    long contentLength() throws MalformedMessage {
        String value = header("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(value.strip());
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new MalformedMessage("Content-Length is not a length: " + value);
        }
    }

    byte[] bytes() {
        StringBuilder out = new StringBuilder(startLine).append("\r\n");
        for (String[] field : fields) {
            out.append(field[0]).append(": ").append(field[1]).append("\r\n");
        }
        return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return startLine;
    }

    /** A message the hook cannot relay faithfully; the client gets a 400 and the connection closes. */
    static final class MalformedMessage extends IOException {
        MalformedMessage(String message) {
            super(message);
        }
    }
}
