package dev.berth.backup.api;

import java.time.Duration;

/** The {@code waitSeconds} query parameter: 0 (default) answers at once, at most ten minutes. */
final class Waits {

    static final int MAX_SECONDS = 600;

    private Waits() {
    }

    static Duration bounded(int waitSeconds) {
        return Duration.ofSeconds(Math.max(0, Math.min(MAX_SECONDS, waitSeconds)));
    }
}
