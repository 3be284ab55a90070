package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
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

    /** Data size and client connections, asked of the server as its admin. */
    Uni<EngineFigures> figures(InstanceEndpoint endpoint, String password);

    /** Server-side figures of a dedicated instance. */
    record EngineFigures(long sizeBytes, int connections) {
    }
}
