package dev.berth.gateway.auth;

import java.util.UUID;

/**
 * A CDI event: a person's sign-ins may no longer be what they were (a session ended, a password or role changed, a
 * user or key was removed). Open event streams check their credential again at once instead of at their next
 * heartbeat. {@code session} is set when exactly one session ended, {@code userId} otherwise.
 */
public record SignInChanged(UUID userId, UUID session) {
}
