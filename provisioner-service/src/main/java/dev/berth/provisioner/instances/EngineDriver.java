package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.provisioning.DatabaseFigures;
import dev.berth.provisioner.engine.InstanceEndpoint;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * What Berth needs to know to run one engine in a container and to talk to it as its admin: one implementation per
 * engine, chosen by {@link EngineDrivers}. The password never goes into {@link #env}: the container reads it from
 * the mounted secret file named there.
 */
public interface EngineDriver {

    Engine engine();

    /** The admin user the image creates from the password file. */
    String adminUser();

    /** Where the data volume is mounted. */
    String dataPath();

    /** The environment of the container: where the password file is, and the limits the image sizes itself by. */
    Map<String, String> env(String passwordFile, Long memoryBytes);

    /** The health check (HEALTHCHECK syntax) Podman runs; the Berth images bring {@code berth-health}. */
    List<String> healthTest();

    /** The check of Berth's own images. */
    List<String> BERTH_HEALTH = List.of("CMD", "/usr/local/bin/berth-health");

    /**
     * The environment Berth's images read: the password file under {@code variable}, and the memory limit they size
     * themselves by ({@code BERTH_MEMORY_LIMIT}, when there is one).
     */
    static Map<String, String> berthImageEnv(String variable, String passwordFile, Long memoryBytes) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put(variable, passwordFile);
        if (memoryBytes != null) {
            env.put("BERTH_MEMORY_LIMIT", String.valueOf(memoryBytes));
        }
        return env;
    }

    /** Data size and client connections, asked of the server as its admin. */
    Uni<EngineFigures> figures(InstanceEndpoint endpoint, String password);

    /** Proves the admin can log in (before a new instance is recorded): asking for the figures does. */
    default Uni<Void> checkAdmin(InstanceEndpoint endpoint, String password) {
        return figures(endpoint, password).replaceWithVoid();
    }

    /**
     * Makes {@code login.database()} and a user confined to it; a step that fails undoes the ones before it.
     * PostgreSQL does not come here: its databases go through {@code DatabaseProvisioner} (warm pool, zero-downtime
     * rotation, crash recovery), which is why {@link PostgresDriver} refuses these four.
     */
    Uni<Void> createDatabase(InstanceEndpoint admin, String adminPassword, AppLogin login);

    /**
     * Drops the database (its keys, on Redis) and the user ({@code user} null: the database only, as for a scratch
     * copy or before a restore); what is already gone is not an error.
     */
    Uni<Void> dropDatabase(InstanceEndpoint admin, String adminPassword, String database, String user);

    /** An empty database only the admin can use (a scratch copy, or the emptied target of a restore). */
    Uni<Void> createEmpty(InstanceEndpoint admin, String adminPassword, String database);

    /** Gives the user a new password at once (no second login: these engines rotate in place). */
    Uni<Void> setPassword(InstanceEndpoint admin, String adminPassword, String database, String user,
            String password);

    /** Size, sessions and activity of each app database on the instance (what the registry samples). */
    Uni<List<DatabaseFigures>> databaseFigures(InstanceEndpoint admin, String adminPassword);

    /** An app database and its login, as made on a non-PostgreSQL engine. Never logged. */
    record AppLogin(String database, String user, String password, Integer connectionLimit) {

        @Override
        public String toString() {
            return "AppLogin[" + database + " as " + user + "]";
        }
    }

    /** Server-side figures of a dedicated instance. */
    record EngineFigures(long sizeBytes, int connections) {
    }
}
