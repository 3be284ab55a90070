package dev.berth.gateway.auth;

import dev.berth.gateway.config.GatewayConfig;
import dev.berth.security.Roles;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/**
 * The first start makes user {@code admin}: with {@code berth.gateway.auth.initial-admin-password} when set, otherwise
 * with a random password written to {@code initial-admin-password-file} (0600), which the first sign-in must replace.
 * The password is never logged.
 */
@ApplicationScoped
public class InitialAdmin {

    private static final Logger LOG = Logger.getLogger(InitialAdmin.class);
    static final String USERNAME = "admin";

    void onStart(@Observes StartupEvent start, Accounts accounts, GatewayConfig config) {
        if (accounts.count().await().indefinitely() > 0) {
            return;
        }
        GatewayConfig.Auth auth = config.auth();
        String password = auth.initialAdminPassword().orElse(null);
        Path file = Path.of(auth.initialAdminPasswordFile());
        boolean generated = password == null;
        if (generated) {
            password = Passwords.random();
            write(file, password);
        }
        // A generated password has been in a file: the first sign-in must replace it.
        accounts.create(USERNAME, password, Roles.ADMIN, generated);
        LOG.infof("made the first administrator '%s'; %s", USERNAME, auth.initialAdminPassword().isPresent()
                ? "its password is the configured initial-admin-password"
                : "its password is in " + file.toAbsolutePath() + " (change it, then delete the file)");
    }

    private static void write(Path file, String password) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the first administrator's password to " + file, e);
        }
    }
}
