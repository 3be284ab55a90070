package dev.berth.backup.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Helpers for running a client tool to completion: stderr goes to a file (so a chatty tool can never block on a
 * full pipe), and what is reported is a short summary of it.
 */
public final class ToolRun {

    private static final int SUMMARY_LINES = 5;
    private static final int SUMMARY_CHARS = 600;

    private ToolRun() {
    }

    /** The last meaningful lines of a tool's stderr, short enough for an event or an API answer. */
    public static String summary(Path stderr, int exitCode) {
        List<String> lines;
        try {
            lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            lines = List.of();
        }
        String text = lines.stream().map(String::strip).filter(l -> !l.isEmpty())
                .skip(Math.max(0, lines.size() - SUMMARY_LINES)).collect(Collectors.joining(" | "));
        if (text.isEmpty()) {
            text = exitCode > 128 ? "killed by signal " + (exitCode - 128) : "exited with status " + exitCode;
        }
        return text.length() > SUMMARY_CHARS ? text.substring(text.length() - SUMMARY_CHARS) : text;
    }

    /** A tool exited with a non-zero status; the message is its name and a summary of its stderr. */
    public static final class ToolFailed extends IOException {

        private final String summary;

        public ToolFailed(String tool, String summary) {
            super(tool + " failed: " + summary);
            this.summary = summary;
        }

        /** What the tool said (the summary of its stderr), without its name. */
        public String summary() {
            return summary;
        }
    }

    /**
     * Runs a tool whose product is its side effect (pg_restore) or only its exit status (pg_restore --list), its
     * stdout discarded; returns when it exited 0, otherwise throws {@link ToolFailed}.
     */
    public static void check(String tool, ProcessBuilder command) throws IOException {
        Path stderr = Files.createTempFile(tool + "-", ".err");
        try {
            if (command.redirectOutput() == ProcessBuilder.Redirect.PIPE) {
                command.redirectOutput(ProcessBuilder.Redirect.DISCARD); // unless the caller wants it in a file
            }
            Process process = command.redirectError(stderr.toFile()).start();
            int exit = await(process);
            if (exit != 0) {
                throw new ToolFailed(tool, summary(stderr, exit));
            }
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    /**
     * Runs a tool whose stdout is the product (pg_dump, pg_dumpall) and copies that into {@code out} in 256 KiB reads
     * (the JDK's transferTo reads 8 KiB at a time: more wake-ups per dumped megabyte on a busy host). Returns when
     * the tool exited 0; otherwise throws {@link ToolFailed}. A failure on our side kills the tool.
     */
    public static void streamInto(String tool, ProcessBuilder command, java.io.OutputStream out) throws IOException {
        Path stderr = Files.createTempFile(tool + "-", ".err");
        Process process = null;
        try {
            process = command.redirectError(stderr.toFile()).start();
            try (java.io.InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            }
            int exit = await(process);
            if (exit != 0) {
                throw new ToolFailed(tool, summary(stderr, exit));
            }
        } catch (IOException | RuntimeException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            throw e;
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    /** Waits for a process; interrupts destroy it. */
    public static int await(Process process) throws IOException {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + process.info().command().orElse("a tool") + " ran", e);
        }
    }
}
