package dev.berth.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Asks services for their readiness (so the berth script needs no curl). */
final class HealthProbe {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HealthProbe() {
    }

    /** UP, DOWN (with the failing checks' names) or UNREACHABLE. */
    static String status(String url) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return "UP";
            }
            return "DOWN " + response.body().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "UNREACHABLE";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "UNREACHABLE";
        }
    }

    /**
     * @param args the timeout in seconds, then {@code name=url} pairs
     * @return true when every URL answered 200 before the timeout
     */
    static boolean awaitAll(List<String> args) {
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args.get(0))).toNanos();
        Map<String, String> pending = new LinkedHashMap<>();
        for (String pair : args.subList(1, args.size())) {
            int eq = pair.indexOf('=');
            pending.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        long start = System.nanoTime();
        Map<String, String> last = new LinkedHashMap<>();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            pending.entrySet().removeIf(entry -> {
                String status = status(entry.getValue());
                last.put(entry.getKey(), status);
                if (status.equals("UP")) {
                    System.out.printf("%s: ready after %.1f s%n", entry.getKey(), (System.nanoTime() - start) / 1e9);
                    return true;
                }
                return false;
            });
            if (!pending.isEmpty()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        pending.keySet().forEach(name -> System.out.println(name + ": not ready: " + last.get(name)));
        return pending.isEmpty();
    }
}
