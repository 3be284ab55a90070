package dev.berth.provisioner.podman;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Podman's own event log file (events_logger = "file", e.g. /run/libpod/events/events.log), followed with inotify.
 * Podman's API stream reads that same file by polling it every 250 ms, which alone costs up to a quarter second per
 * event; watching the file is what keeps container events within milliseconds. Lines are libpod events (ID, Name,
 * Image, Status, Time, Type, Attributes = labels, ContainerExitCode); a truncated or rotated file is read again from
 * its start (the caller skips what it has seen by time).
 */
public final class PodmanEventLog implements AutoCloseable {

    private final Path file;
    private final ObjectMapper json;
    private volatile WatchService watcher;
    private volatile boolean closed;

    public PodmanEventLog(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    public static boolean readable(Path file) {
        return Files.isRegularFile(file) && Files.isReadable(file);
    }

    /** Follows the file until closed, handing each container event that passes the filter to the sink. Blocks. */
    public void follow(Predicate<PodmanEvent> filter, Consumer<PodmanEvent> sink) throws IOException {
        try (WatchService service = file.getFileSystem().newWatchService()) {
            watcher = service;
            file.toAbsolutePath().getParent().register(service, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_CREATE);
            long offset = 0;
            StringBuilder partial = new StringBuilder();
            while (!closed) {
                offset = readFrom(offset, partial, filter, sink);
                try {
                    var key = service.poll(1, TimeUnit.SECONDS); // a missed notification costs at most a second
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ClosedWatchServiceException e) {
                    return;
                }
            }
        } catch (ClosedWatchServiceException e) {
            // closed while starting
        }
    }

    private long readFrom(long offset, StringBuilder partial, Predicate<PodmanEvent> filter,
            Consumer<PodmanEvent> sink) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length < offset) {
                offset = 0; // truncated or rotated: read it again
                partial.setLength(0);
            }
            if (length == offset) {
                return offset;
            }
            in.seek(offset);
            byte[] bytes = new byte[(int) Math.min(length - offset, 8 * 1024 * 1024)];
            in.readFully(bytes);
            partial.append(new String(bytes, StandardCharsets.UTF_8));
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, newline);
                partial.delete(0, newline + 1);
                PodmanEvent event = parse(line);
                if (event != null && filter.test(event)) {
                    sink.accept(event);
                }
            }
            return offset + bytes.length;
        }
    }

    private PodmanEvent parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonNode e = json.readTree(line);
            if (!"container".equals(e.path("Type").asText())) {
                return null;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            e.path("Attributes").fields().forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
            attributes.put("name", e.path("Name").asText());
            attributes.put("image", e.path("Image").asText());
            if (e.has("ContainerExitCode")) {
                attributes.put("containerExitCode", e.path("ContainerExitCode").asText());
            }
            Instant time = Instant.parse(e.path("Time").asText());
            return new PodmanEvent("container", e.path("Status").asText(), e.path("ID").asText(), attributes,
                    time.getEpochSecond() * 1_000_000_000L + time.getNano());
        } catch (IOException | RuntimeException unreadable) {
            return null; // a line being written, or not an event
        }
    }

    @Override
    public void close() {
        closed = true;
        WatchService current = watcher;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
