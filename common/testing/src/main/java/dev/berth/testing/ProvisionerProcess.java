package dev.berth.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real provisioner-service, started from its packaged jar once per test JVM, for services whose tests need it
 * (the registry). It uses this JVM's PostgreSQL (database {@code berth_provisioner}) and Kafka, and that PostgreSQL
 * as its default instance. Stopped at JVM exit, and by a watchdog if the JVM dies without running hooks.
 */
public final class ProvisionerProcess {

    private static ProvisionerProcess instance;

    private final Process process;
    private final int port;

    private ProvisionerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The running provisioner of this JVM, started on first use with the given warm pool size. */
    public static synchronized ProvisionerProcess get(int poolSize) {
        if (instance == null) {
            instance = start(poolSize);
        }
        return instance;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private static ProvisionerProcess start(int poolSize) {
        TestInfrastructure infra = TestInfrastructure.get();
        Path jar = Path.of(System.getProperty("berth.it.provisioner-jar", "../provisioner-service/target/quarkus-app/"
                + "quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the provisioner jar " + jar + " is missing: build provisioner-service "
                    + "first (./mvnw package -pl provisioner-service -am -DskipTests)");
        }
        PostgresCluster pg = infra.postgres();
        pg.ensureDatabase("berth_provisioner", PostgresCluster.ADMIN_USER);
        int port = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        Map<String, String> settings = new java.util.HashMap<>(infra.provisionerSettings(poolSize));
        settings.put("quarkus.http.port", String.valueOf(port));
        settings.put("quarkus.datasource.reactive.url", pg.reactiveUrl("berth_provisioner"));
        settings.put("quarkus.datasource.jdbc.url", pg.jdbcUrl("berth_provisioner"));
        settings.put("quarkus.datasource.username", PostgresCluster.ADMIN_USER);
        settings.put("quarkus.datasource.password", pg.adminPassword());
        settings.put("kafka.bootstrap.servers", infra.kafka().bootstrapServers());
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        Path log = infra.dir("provisioner.log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ProcessWatchdog.guard("kill " + process.pid() + " 2>/dev/null");
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            ProvisionerProcess started = new ProvisionerProcess(process, port);
            started.awaitReady(log);
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the provisioner: " + e.getMessage(), e);
        }
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the provisioner exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(url()
                                + "/internal/instances/00000000-0000-4000-8000-000000000001/inventory"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the provisioner", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the provisioner", e);
            }
        }
        throw new IllegalStateException("the provisioner did not register its default instance within 90 s; see " + log);
    }
}
