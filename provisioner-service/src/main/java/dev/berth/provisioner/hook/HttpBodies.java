package dev.berth.provisioner.hook;

import dev.berth.provisioner.hook.HttpHead.MalformedMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Message bodies as RFC 9112 §6 frames them: copied through unchanged (chunk framing included) and flushed as they
 * arrive, so streamed answers — logs, events, stats, {@code wait} — reach the client without delay.
 */
final class HttpBodies {

    private static final int BUFFER = 16 * 1024;

    private HttpBodies() {
    }

    /** Whether a response to this request has a body at all (HEAD, 1xx, 204 and 304 do not). */
    static boolean responseHasBody(String requestMethod, HttpHead response) {
        int status = response.status();
        return !"HEAD".equals(requestMethod) && status >= 200 && status != 204 && status != 304;
    }

    /** A response framed neither by length nor by chunks: it ends when Podman closes the connection. */
    static boolean delimitedByClose(String requestMethod, HttpHead response) throws MalformedMessage {
        return responseHasBody(requestMethod, response) && !response.chunked() && response.contentLength() < 0;
    }

    static void copyRequestBody(HttpHead request, InputStream in, OutputStream out) throws IOException {
        if (request.chunked()) {
            copyChunked(in, out);
        } else {
            long length = request.contentLength();
            if (length > 0) {
                copyExactly(in, out, length);
            }
        }
    }

    /** Copies a response body that is framed by length or chunks (see {@link #delimitedByClose}). */
    static void copyResponseBody(String requestMethod, HttpHead response, InputStream in, OutputStream out)
            throws IOException {
        if (!responseHasBody(requestMethod, response)) {
            return;
        }
        if (response.chunked()) {
            copyChunked(in, out);
        } else {
            copyExactly(in, out, response.contentLength());
        }
    }

    /** Reads a body whole, without its framing (a container create: a few KiB of JSON). */
    static byte[] readRequestBody(HttpHead request, InputStream in, int limit) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (request.chunked()) {
            copyChunked(in, OutputStream.nullOutputStream(), body, limit);
        } else {
            long length = request.contentLength();
            if (length > limit) {
                throw new MalformedMessage("a container create larger than " + limit + " bytes");
            }
            copyExactly(in, body, Math.max(length, 0));
        }
        return body.toByteArray();
    }

    static byte[] readResponseBody(String requestMethod, HttpHead response, InputStream in, int limit)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!responseHasBody(requestMethod, response)) {
            return body.toByteArray();
        }
        if (response.chunked()) {
            copyChunked(in, OutputStream.nullOutputStream(), body, limit);
        } else if (response.contentLength() >= 0) {
            copyExactly(in, new LimitedStream(body, limit), response.contentLength());
        } else {
            in.transferTo(new LimitedStream(body, limit));
        }
        return body.toByteArray();
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        copyChunked(in, out, null, Integer.MAX_VALUE);
    }

    /** Copies chunks with their framing to {@code framed}; their payload also to {@code payload} when given. */
    private static void copyChunked(InputStream in, OutputStream framed, OutputStream payload, int limit)
            throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = line(in);
            framed.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            long size;
            try {
                int extension = sizeLine.indexOf(';');
                size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).strip(), 16);
            } catch (NumberFormatException e) {
                throw new MalformedMessage("a chunk without a size: " + sizeLine);
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = line(in);
                    framed.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                framed.flush();
                return;
            }
            total += size;
            if (total > limit) {
                throw new MalformedMessage("a body larger than " + limit + " bytes");
            }
            OutputStream target = payload == null ? framed : new TeeStream(framed, payload);
            copyExactly(in, target, size);
            String end = line(in);
            if (!end.isEmpty()) {
                throw new MalformedMessage("a chunk longer than its size");
            }
            framed.write('\r');
            framed.write('\n');
            framed.flush();
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new MalformedMessage("the connection closed " + left + " bytes before the end of a body");
            }
            out.write(buffer, 0, n);
            out.flush();
            left -= n;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new MalformedMessage("the connection closed inside a chunked body");
            }
            if (b == '\n') {
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1
                        : line.length();
                return line.substring(0, end);
            }
            if (line.length() > 8192) {
                throw new MalformedMessage("a chunk line longer than 8 KiB");
            }
            line.append((char) b);
        }
    }

    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }

    private static final class LimitedStream extends OutputStream {
        private final OutputStream target;
        private final long limit;
        private long written;

        LimitedStream(OutputStream target, long limit) {
            this.target = target;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            written += len;
            if (written > limit) {
                throw new MalformedMessage("a body larger than " + limit + " bytes");
            }
            target.write(b, off, len);
        }
    }
}
