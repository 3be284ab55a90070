package dev.berth.embedded;

import java.io.IOException;
import java.util.List;

/**
 * Cleans up after a test JVM that dies without running its shutdown hooks (killed by a timeout, SIGKILL):
 * a detached shell polls the JVM's pid and runs the cleanup command once it is gone. The cleanup commands are
 * idempotent, so running them after a normal shutdown as well is harmless.
 */
public final class ProcessWatchdog {

    private ProcessWatchdog() {
    }

    public static void guard(String cleanupShellCommand) {
        long jvm = ProcessHandle.current().pid();
        String script = "while kill -0 " + jvm + " 2>/dev/null; do sleep 1; done; " + cleanupShellCommand;
        try {
            new ProcessBuilder(List.of("setsid", "sh", "-c", script))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the cleanup watchdog: " + e.getMessage(), e);
        }
    }

    /** Quotes a value for a POSIX shell. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
