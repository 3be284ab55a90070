package dev.berth.gateway.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A small Server-Sent Events reader for tests: the raw protocol as a browser's EventSource would see it. */
public final class SseClient implements AutoCloseable {

    /** One dispatched event; {@code id} is null when the server sent none. */
    public record Event(String id, String name, String data) {
    }

    /** One client for every stream of a test (each HttpClient has a selector thread of its own). */
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static final Event END = new Event(null, "<end of stream>", "");

    private final HttpResponse<java.io.InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new ArrayList<>();
    private final Thread reader;
    private volatile String ending;

    private SseClient(HttpResponse<java.io.InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static HttpResponse<java.io.InputStream> request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        try {
            return CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new AssertionError("cannot open " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static SseClient open(URI uri, Map<String, String> headers) {
        HttpResponse<java.io.InputStream> response = request(uri, headers);
        if (response.statusCode() != 200) {
            throw new AssertionError("the stream answered " + response.statusCode());
        }
        return new SseClient(response);
    }

    public HttpResponse<java.io.InputStream> response() {
        return response;
    }

    /** The next event, skipping comments; fails after {@code seconds}. */
    public Event next(int seconds) {
        try {
            Event e = events.poll(seconds, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + seconds + " s");
            }
            return e;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** The next event with that name (others are skipped). */
    public Event next(String name, int seconds) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            Event e = next((int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(until - System.nanoTime())));
            if (e.name().equals(name) || e == END) {
                return e;
            }
        }
        throw new AssertionError("no " + name + " event within " + seconds + " s");
    }

    public synchronized List<String> comments() {
        return List.copyOf(comments);
    }

    private void read() {
        Map<String, String> fields = new HashMap<>();
        StringBuilder data = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data.length() > 0 || fields.containsKey("event")) {
                        events.add(new Event(fields.get("id"), fields.getOrDefault("event", "message"),
                                data.toString()));
                    }
                    fields.clear();
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    synchronized (this) {
                        comments.add(line.substring(1).strip());
                    }
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
                    if (field.equals("data")) {
                        data.append(data.length() > 0 ? "\n" : "").append(value);
                    } else {
                        fields.put(field, value);
                    }
                }
            }
            ending = "the server ended the stream";
        } catch (IOException e) {
            // closed by the test, or cut off
            ending = "cut off: " + e;
        }
        events.add(END);
    }

    /** How the stream ended, once it has: the server ended it, or it was cut off (with the client's exception). */
    public String ending() {
        return ending;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
        reader.interrupt();
    }
}
