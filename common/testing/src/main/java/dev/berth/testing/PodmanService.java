package dev.berth.testing;

import dev.berth.embedded.Commands;
import dev.berth.embedded.PostgresCluster;
import dev.berth.embedded.ProcessWatchdog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * This test JVM's Podman API service: {@code deploy/podman/service.sh} (the same script Berth runs, with its runtime
 * fallback) on a private unix socket, over the host's real Podman and its locally built {@code localhost/berth/*}
 * images. Every container the services create in this JVM carries the label {@code berth.owner=<owner()>}; they
 * are removed at JVM exit, and by the watchdog if the JVM dies.
 */
public final class PodmanService {

    /** The image an app test runs (Debian with psql, no entrypoint): a test can connect from inside the container. */
    public static final String APP_IMAGE = "localhost/berth/base:bookworm";
    /** The data network of tests: like Berth's {@code berth-data}, on a subnet of its own. */
    public static final String NETWORK = "berth-it-data";
    public static final String SUBNET = PostgresCluster.TEST_SUBNET;

    private static PodmanService instance;

    private final Path socket;
    private final String owner;
    private final Path log;
    private volatile Process process;

    private PodmanService(Path socket, String owner, Path log, Process process) {
        this.socket = socket;
        this.owner = owner;
        this.log = log;
        this.process = process;
    }

    /** The running service of this JVM, started on first use; fails with a clear message without Podman. */
    public static synchronized PodmanService get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public Path socket() {
        return socket;
    }

    /** The {@code berth.owner} label value of this JVM's containers (Berth's {@code berth.containers.owner}). */
    public String owner() {
        return owner;
    }

    /** Runs the podman CLI against this service ({@code podman --url unix://…}) and returns its result. */
    public Commands.Result podman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--url", "unix://" + socket));
        command.addAll(List.of(args));
        return Commands.tryRun(command, null, 120, null);
    }

    /**
     * Stops the API service (SIGTERM, as {@code systemctl restart podman.socket} would) and waits for it to exit;
     * containers keep running. {@link #startService()} brings it back on the same socket.
     */
    public synchronized void stopService() {
        process.destroy();
        process.onExit().join();
    }

    /** Starts the API service again after {@link #stopService()}; returns once it answers. */
    public synchronized void startService() {
        if (process.isAlive()) {
            return;
        }
        process = launch(socket, log);
        ProcessWatchdog.guard("kill " + process.pid() + " 2>/dev/null");
        awaitReady(log);
    }

    /**
     * Runs the podman CLI on the host's storage directly, not through the API service (it works while the service
     * is stopped), with the configuration the service chose.
     */
    public Commands.Result hostPodman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        java.util.Map<String, String> env = new java.util.HashMap<>();
        try {
            String said = Files.readString(log);
            String marker = "service.sh: using ";
            int at = said.indexOf(marker);
            if (at >= 0) {
                env.put("CONTAINERS_CONF", said.substring(at + marker.length(), said.indexOf(' ', at + marker.length())));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
        return Commands.tryRun(command, env, null, 120, null);
    }

    /** Runs the podman CLI against the provisioner's admission hook instead of Podman itself. */
    public Commands.Result podmanThroughHook(String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--url", "unix://" + hookSocket()));
        command.addAll(List.of(args));
        return Commands.tryRun(command, null, 120, null);
    }

    /** Where the provisioner of this JVM serves its admission hook (a Podman API socket). */
    public Path hookSocket() {
        return socket.resolveSibling("berth-hook.sock");
    }

    /** The provisioner settings that point it at this service and its test network. */
    public java.util.Map<String, String> provisionerSettings() {
        return java.util.Map.of(
                "berth.containers.socket", socket.toString(),
                "berth.containers.owner", owner,
                "berth.containers.network", NETWORK,
                "berth.containers.subnet", SUBNET,
                "berth.containers.stop-timeout", "2s",
                "berth.containers.hook-socket", hookSocket().toString());
    }

    private static PodmanService start() {
        if (Commands.tryRun(List.of("sh", "-c", "command -v podman"), null, 10, null).exitCode() != 0) {
            throw new IllegalStateException("podman is not installed: run ./berth test (it installs podman, runc and "
                    + "debootstrap and builds the images) or apt-get install -y podman runc");
        }
        if (Commands.tryRun(List.of("podman", "image", "exists", APP_IMAGE), null, 30, null).exitCode() != 0) {
            throw new IllegalStateException("the image " + APP_IMAGE + " is missing: build it with "
                    + "deploy/images/build.sh (./berth test does)");
        }
        Path script = Path.of(System.getProperty("berth.it.podman-script", "../deploy/podman/service.sh"));
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("cannot find " + script + " (set -Dberth.it.podman-script)");
        }
        TestInfrastructure infra = TestInfrastructure.get();
        Path socket = infra.dir("podman").resolve("podman.sock");
        String owner = "it-" + ProcessHandle.current().pid();
        Path log = infra.dir("podman.log");
        try {
            Files.createDirectories(socket.getParent());
            Process process = launch(socket, log);
            // Dedicated instances' admin passwords are Podman secrets named after the owner.
            String cleanup = "podman rm -f -v -t 0 --filter label=berth.owner=" + owner + " >/dev/null 2>&1; "
                    + "podman volume prune -f --filter label=berth.owner=" + owner + " >/dev/null 2>&1; "
                    + "podman secret ls --format '{{.Name}}' | grep '^" + owner + "-' | xargs -r podman secret rm "
                    + ">/dev/null 2>&1";
            ProcessWatchdog.guard(cleanup + "; kill " + process.pid() + " 2>/dev/null");
            PodmanService service = new PodmanService(socket, owner, log, process);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Commands.tryRun(List.of("sh", "-c", cleanup), null, 120, null);
                service.process.destroy();
            }, "berth-podman-stop"));
            service.awaitReady(log);
            if (service.podman("network", "exists", NETWORK).exitCode() != 0) {
                Commands.Result created = service.podman("network", "create", "--subnet", SUBNET, NETWORK);
                if (created.exitCode() != 0 && service.podman("network", "exists", NETWORK).exitCode() != 0) {
                    throw new IllegalStateException("cannot create the test network " + NETWORK + ": "
                            + created.output());
                }
            }
            return service;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Podman service: " + e.getMessage(), e);
        }
    }

    /** {@code deploy/podman/service.sh} on the socket, its output appended to {@code log}. */
    private static Process launch(Path socket, Path log) {
        Path script = Path.of(System.getProperty("berth.it.podman-script", "../deploy/podman/service.sh"));
        try {
            return new ProcessBuilder(script.toString(), socket.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Podman service: " + e.getMessage(), e);
        }
    }

    private void awaitReady(Path log) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Podman service exited with " + process.exitValue() + "; see "
                        + log);
            }
            if (Files.exists(socket) && podman("version", "--format", "{{.Server.Version}}").exitCode() == 0) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Podman service", e);
            }
        }
        throw new IllegalStateException("the Podman service was not ready within 60 s; see " + log);
    }
}
