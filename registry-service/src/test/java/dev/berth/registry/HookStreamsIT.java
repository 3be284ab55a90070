package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.testing.PodmanService;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attached and interactive use through the admission hook, with the real clients people use: the podman CLI, the
 * docker CLI and docker-compose ({@code DOCKER_HOST=unix://hook}). Each client runs under {@code timeout}: the old
 * hook hung forever on hijacked streams, which shows up here as exit code 124.
 */
@QuarkusTest
class HookStreamsIT {

    private static final int HUNG = 124;
    private static final String NO_DATABASE = "--label=berth.database=none";
    private final PodmanService podman = PodmanService.get();
    private final String suffix = UUID.randomUUID().toString().substring(0, 6);
    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void removeContainers() {
        if (!containers.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f", "-t", "0"));
            rm.addAll(containers);
            podman.podman(rm.toArray(String[]::new));
        }
    }

    @Test
    void podmanRunAttachedPrintsAndPassesTheExitCode() {
        Commands.Result hi = podmanHook(null, "run", "--rm", NO_DATABASE, label(), PodmanService.APP_IMAGE, "echo", "hi");
        assertEquals(0, hi.exitCode(), hi.output());
        assertEquals("hi", hi.output().strip());
        Commands.Result failing = podmanHook(null, "run", "--rm", NO_DATABASE, label(), PodmanService.APP_IMAGE, "sh", "-c",
                "echo out; echo err >&2; exit 3");
        assertEquals(3, failing.exitCode(), failing.output());
        assertTrue(failing.output().contains("out") && failing.output().contains("err"), failing.output());
    }

    @Test
    void podmanRunInteractiveReadsPipedStdinToItsEnd() {
        Commands.Result piped = podmanHook("one\ntwo\n", "run", "--rm", "-i", NO_DATABASE, label(), PodmanService.APP_IMAGE, "sh",
                "-c", "wc -l; exit 5");
        assertEquals(5, piped.exitCode(), piped.output());
        assertEquals("2", piped.output().strip(), "stdin reached the container and its end was seen");
    }

    @Test
    void execAttachAndLogsFollowOnARunningContainer() throws IOException {
        String name = sleeper();
        Commands.Result exec = podmanHook(null, "exec", name, "sh", "-c", "echo inside; exit 6");
        assertEquals(6, exec.exitCode(), exec.output());
        assertEquals("inside", exec.output().strip());

        // exec -it under a real pseudo-terminal (script(1)): the TTY and its size reach the process. The size can
        // arrive a moment after the process started (a CI run saw "0 0"), so it looks again for up to 3 s, and the
        // size must have arrived by then.
        Commands.Result tty = underPty("stty cols 111 rows 33; podman --url unix://" + podman.hookSocket()
                + " exec -it " + name + " sh -c 'tty; i=0; while [ \"$(stty size)\" = \"0 0\" ] && [ $i -lt 30 ]; do"
                + " sleep 0.1; i=$((i+1)); done; stty size; exit 7'");
        assertEquals(7, tty.exitCode(), tty.output());
        assertTrue(tty.output().contains("/dev/pts/"), tty.output());
        assertTrue(tty.output().contains("33 111"), "the terminal size was passed on: " + tty.output());

        // logs -f streams what the container writes later, until the client stops following.
        podman.podman("exec", name, "sh", "-c", "echo later > /proc/1/fd/1");
        Commands.Result follow = timed(4, Map.of(), null, "podman", "--url", "unix://" + podman.hookSocket(), "logs",
                "-f", name);
        assertEquals(HUNG, follow.exitCode(), "logs -f kept following: " + follow.output());
        assertTrue(follow.output().contains("later"), follow.output());

        // attach: the stream of a running container's main process, which ends when it does.
        String talker = "talk-" + suffix;
        containers.add(talker);
        assertEquals(0, podman.podman("run", "-d", "--name", talker, NO_DATABASE, label(), PodmanService.APP_IMAGE, "sh", "-c",
                "sleep 1; echo attached-output; exit 4").exitCode());
        Commands.Result attach = podmanHook(null, "attach", "--no-stdin", talker);
        // Podman 4.3's remote attach exits 0 when the container ends, on Podman's own socket as well.
        assertEquals(0, attach.exitCode(), attach.output());
        assertTrue(attach.output().contains("attached-output"), attach.output());
    }

    @Test
    void dockerCliRunExecAndLogsFollow() {
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + podman.hookSocket());
        Commands.Result run = timed(60, env, null, "docker", "run", "--rm", NO_DATABASE, label(), PodmanService.APP_IMAGE, "echo",
                "docker-hi");
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("docker-hi", run.output().strip());
        Commands.Result piped = timed(60, env, "a\nb\nc\n", "docker", "run", "--rm", "-i", label(),
                PodmanService.APP_IMAGE, "wc", "-l");
        assertEquals("3", piped.output().strip(), piped.output());

        String name = sleeper();
        Commands.Result exec = timed(60, env, null, "docker", "exec", name, "sh", "-c", "echo dexec; exit 6");
        assertEquals(6, exec.exitCode(), exec.output());
        assertEquals("dexec", exec.output().strip());
        podman.podman("exec", name, "sh", "-c", "echo docker-later > /proc/1/fd/1");
        Commands.Result follow = timed(4, env, null, "docker", "logs", "-f", name);
        assertEquals(HUNG, follow.exitCode(), follow.output());
        assertTrue(follow.output().contains("docker-later"), follow.output());
    }

    @Test
    void dockerComposeUpAttachedDetachedExecAndDown() throws IOException {
        Path dir = Files.createTempDirectory("berth-compose");
        String project = "streams" + suffix;
        Files.writeString(dir.resolve("docker-compose.yml"), """
                version: "3"
                services:
                  job:
                    image: %s
                    command: ["sh", "-c", "echo job-output; sleep 1; echo job-done"]
                    labels:
                      berth.database: none
                      berth.owner: %s
                  worker:
                    image: %s
                    command: ["sleep", "600"]
                    labels:
                      berth.database: none
                      berth.owner: %s
                """.formatted(PodmanService.APP_IMAGE, podman.owner(), PodmanService.APP_IMAGE, podman.owner()));
        Map<String, String> env = Map.of("DOCKER_HOST", "unix://" + podman.hookSocket());
        List<String> compose = List.of("docker-compose", "-p", project, "-f", dir.resolve("docker-compose.yml")
                .toString());
        try {
            Commands.Result attached = timed(90, env, null, with(compose, "up", "job"));
            assertEquals(0, attached.exitCode(), attached.output());
            assertTrue(attached.output().contains("job-output") && attached.output().contains("job-done"),
                    attached.output());

            Commands.Result detached = timed(90, env, null, with(compose, "up", "-d", "worker"));
            assertEquals(0, detached.exitCode(), detached.output());
            Commands.Result exec = timed(60, env, null, with(compose, "exec", "-T", "worker", "sh", "-c",
                    "echo composed; exit 3"));
            assertEquals(3, exec.exitCode(), exec.output());
            assertTrue(exec.output().contains("composed"), exec.output());
        } finally {
            Commands.Result down = timed(90, env, null, with(compose, "down"));
            assertEquals(0, down.exitCode(), down.output());
        }
        assertEquals("", podman.podman("ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + project)
                .output().strip(), "down removed the project's containers");
    }

    private String sleeper() {
        String name = "streams-" + suffix;
        containers.add(name);
        Commands.Result started = podmanHook(null, "run", "-d", "--name", name, NO_DATABASE, label(), PodmanService.APP_IMAGE,
                "sleep", "600");
        assertEquals(0, started.exitCode(), started.output());
        return name;
    }

    /** Plain containers need no database; the owner label lets the harness remove what a failed test leaves. */
    private String label() {
        return "--label=berth.owner=" + podman.owner();
    }

    private Commands.Result podmanHook(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--url", "unix://" + podman.hookSocket()));
        command.addAll(List.of(args));
        return timed(60, Map.of(), stdin, command.toArray(String[]::new));
    }

    private static Commands.Result underPty(String shellCommand) {
        return timed(60, Map.of(), null, "script", "-qec", shellCommand, "/dev/null");
    }

    private static String[] with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static Commands.Result timed(int seconds, Map<String, String> env, String stdin, String... command) {
        List<String> wrapped = new ArrayList<>(List.of("timeout", String.valueOf(seconds)));
        wrapped.addAll(List.of(command));
        return Commands.tryRun(wrapped, env, null, seconds + 30, stdin);
    }
}
