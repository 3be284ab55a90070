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
