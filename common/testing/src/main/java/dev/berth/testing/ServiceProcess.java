package dev.berth.testing;

import dev.berth.embedded.FreePorts;
import dev.berth.embedded.PostgresCluster;
import dev.berth.embedded.ProcessWatchdog;
import dev.berth.security.Roles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Berth service started from its packaged jar once per test JVM, for services whose tests need it: the
 * provisioner (for the registry and the backup service) and the registry (for the backup service). They use this
 * JVM's PostgreSQL and Kafka, and that PostgreSQL as their default instance. Stopped at JVM exit, and by a watchdog
 * if the JVM dies without running hooks.
 */
public final class ServiceProcess {

    private static ServiceProcess provisioner;
    private static ServiceProcess registry;
    private static int registryPort;

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final String readyPath;
    private final int port;
    private Process process;
    private long logStart;

    private ServiceProcess(String name, List<String> command, Map<String, String> environment, Path log,
            String readyPath, int port) {
        this.name = name;
        this.command = command;
        this.environment = environment;
        this.log = log;
        this.readyPath = readyPath;
        this.port = port;
    }

    /** Kills the service at once (SIGKILL, as a crash would) — for tests of what survives a restart. */
    public synchronized void kill() {
        process.destroyForcibly();
        process.onExit().join();
    }

    /** Starts the killed service again, same settings and port; returns once it is ready. */
    public synchronized void restart() {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    /**
     * Starts the service again with extra settings ahead of its own (a fault point, say); an empty map goes back to
     * its own settings. Kills it first when it still runs; returns once it is ready.
     */
    public synchronized void restartWith(Map<String, String> extra) {
        if (process.isAlive()) {
            kill();
        }
        List<String> withExtra = new ArrayList<>();
        extra.forEach((k, v) -> withExtra.add("-D" + k + "=" + v));
        withExtra.addAll(command);
        launch(withExtra);
    }

    /** The process id of the running service: what a fault test kills. */
    public synchronized long pid() {
        return process.pid();
    }

    /** Waits until the service's log, from its latest start on, has a line containing {@code text}. */
    public void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String all = Files.readString(log);
                if (all.indexOf(text, (int) Math.min(logStart, all.length())) >= 0) {
                    return;
                }
                Thread.sleep(100);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + log, e);
            }
        }
        throw new IllegalStateException("the " + name + " did not log '" + text + "' within " + timeout + "; see " + log);
    }

    /** The warnings and errors the service logged since its latest start: for a failing test's message. */
    public String problemsLogged() {
        try {
            String all = Files.readString(log);
            return all.substring((int) Math.min(logStart, all.length())).lines()
                    .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("\tat ")
                            || line.startsWith("Caused by"))
                    .limit(60).collect(java.util.stream.Collectors.joining("\n"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void launch() {
        launch(command);
    }

    private void launch(List<String> args) {
        try {
            logStart = Files.exists(log) ? Files.size(log) : 0;
            process = launchJava(args, environment, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + name + ": " + e.getMessage(), e);
        }
        awaitReady(name, readyPath, log);
    }

    /** The running provisioner of this JVM, started on first use with the given warm pool size. */
    public static synchronized ServiceProcess provisioner(int poolSize) {
        if (provisioner == null) {
            TestInfrastructure infra = TestInfrastructure.get();
            Map<String, String> settings = new HashMap<>(infra.provisionerSettings(poolSize));
            settings.putAll(PodmanService.get().provisionerSettings());
            settings.putAll(KubernetesMock.get().provisionerSettings());
            // The admission hook asks the registry: the registry process of this JVM, or the registry under test.
            settings.put("quarkus.rest-client.registry.url", "http://127.0.0.1:" + registryPort());
            provisioner = start("provisioner", "berth_provisioner", FreePorts.next(), settings,
                    "/internal/instances/00000000-0000-4000-8000-000000000001/inventory");
        }
        return provisioner;
    }

    /** The running registry of this JVM (and the provisioner it needs), started on first use. */
    public static synchronized ServiceProcess registry(int provisionerPoolSize) {
        if (registry == null) {
            PostgresCluster pg = TestInfrastructure.get().postgres();
            Map<String, String> settings = new HashMap<>();
            settings.put("quarkus.rest-client.provisioner.url", provisioner(provisionerPoolSize).url());
            settings.put("berth.registry.default-instance.host", pg.host());
            settings.put("berth.registry.default-instance.port", String.valueOf(pg.port()));
            registry = start("registry", "berth_registry", registryPort(), settings, "/q/health/ready");
        }
        return registry;
    }

    /** The port the registry of this JVM listens on: its process, or (in the registry's tests) the app under test. */
    public static synchronized int registryPort() {
        if (registryPort == 0) {
            registryPort = FreePorts.next();
        }
        return registryPort;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private static ServiceProcess start(String name, String database, int port, Map<String, String> serviceSettings,
            String readyPath) {
        TestInfrastructure infra = TestInfrastructure.get();
        Path jar = Path.of(System.getProperty("berth.it." + name + "-jar", "../" + name + "-service/target/quarkus-app/"
                + "quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the " + name + " jar " + jar + " is missing: build " + name + "-service "
                    + "first (./mvnw package -pl " + name + "-service -am -DskipTests)");
        }
        PostgresCluster pg = infra.postgres();
        pg.ensureDatabase(database, PostgresCluster.ADMIN_USER);
        List<String> command = new ArrayList<>();
        Map<String, String> settings = new HashMap<>(serviceSettings);
        settings.put("quarkus.http.port", String.valueOf(port));
        settings.put("quarkus.datasource.reactive.url", pg.reactiveUrl(database));
        settings.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(database));
        settings.put("quarkus.datasource.username", PostgresCluster.ADMIN_USER);
        settings.put("quarkus.datasource.password", pg.adminPassword());
        settings.put("kafka.bootstrap.servers", infra.kafka().bootstrapServers());
        settings.putAll(TestKeys.settings());
        // Passwords go to the service's environment (SmallRye Config reads QUARKUS_DATASOURCE_PASSWORD for
        // quarkus.datasource.password), never onto its command line, where ps shows them to every user.
        Map<String, String> environment = new HashMap<>();
        settings.forEach((k, v) -> {
            if (k.contains("password")) {
                environment.put(k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT), v);
            } else {
                command.add("-D" + k + "=" + v);
            }
        });
        command.addAll(List.of("-jar", jar.toString()));
        ServiceProcess started = new ServiceProcess(name, command, environment, infra.dir(name + ".log"), readyPath,
                port);
        started.launch();
        return started;
    }

    /**
     * Starts {@code java -Xmx256m <args>} from this JVM's Java with its output in {@code log}; stopped at JVM exit,
     * and by the watchdog if this JVM dies without running its hooks.
     */
    static Process launchJava(List<String> args, Path log) throws IOException {
        return launchJava(args, Map.of(), log);
    }

    /** The same, with {@code environment} added to this JVM's for the child (its secrets). */
    static Process launchJava(List<String> args, Map<String, String> environment, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        ProcessWatchdog.guard("kill " + process.pid() + " 2>/dev/null");
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        return process;
    }

    private void awaitReady(String name, String readyPath, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(url() + readyPath))
                        .header("Authorization", "Bearer " + TestKeys.bearer("harness", Roles.SERVICE))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the " + name, e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the " + name, e);
            }
        }
        throw new IllegalStateException("the " + name + " was not ready within 90 s; see " + log);
    }
}
