package dev.berth.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs host commands (initdb, pg_ctl, psql) to completion, as the {@code postgres} user when we are root. */
public final class Commands {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private Commands() {
    }

    public static boolean runningAsRoot() {
        return ROOT;
    }

    /** Prefixes a command so PostgreSQL's binaries, which refuse root, run as {@code postgres}. */
    static List<String> asPostgres(List<String> command) {
        if (!ROOT) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Runs the command and returns its standard output; fails with its output when it exits non-zero. */
    public static String run(List<String> command, Path workDir, long timeoutSeconds) {
        return run(command, workDir, timeoutSeconds, null);
    }

    public static String run(List<String> command, Path workDir, long timeoutSeconds, String stdin) {
        Result result = tryRun(command, workDir, timeoutSeconds, stdin);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(name(command) + " failed (exit "
                    + result.exitCode() + "): " + result.output().strip());
        }
        return result.output();
    }

    private static String name(List<String> command) {
        String program = "runuser".equals(command.get(0)) && command.size() > 4 ? command.get(4) : command.get(0);
        return Path.of(program).getFileName().toString();
    }

    public record Result(int exitCode, String output) {
    }

    public static Result tryRun(List<String> command, Path workDir, long timeoutSeconds, String stdin) {
        return tryRun(command, Map.of(), workDir, timeoutSeconds, stdin);
    }

    /** Runs with extra environment variables (how passwords reach psql: never on its command line). */
    public static Result tryRun(List<String> command, Map<String, String> env, Path workDir, long timeoutSeconds,
            String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        try {
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name(command) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + name(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name(command), e);
        }
    }
}
