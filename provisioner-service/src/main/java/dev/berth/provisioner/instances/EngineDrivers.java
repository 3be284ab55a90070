package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.provisioner.config.InstancesConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;

/** The driver of each engine, and the image and version configured for it on this host. */
@ApplicationScoped
public class EngineDrivers {

    @Inject
    Instance<EngineDriver> all;

    @Inject
    InstancesConfig config;

    private volatile Map<Engine, EngineDriver> drivers;

    public EngineDriver of(Engine engine) {
        Map<Engine, EngineDriver> current = drivers;
        if (current == null) {
            Map<Engine, EngineDriver> found = new EnumMap<>(Engine.class);
            all.forEach(d -> found.put(d.engine(), d));
            drivers = current = found;
        }
        EngineDriver driver = current.get(engine);
        if (driver == null) {
            throw new ProblemException(ProblemType.NOT_IMPLEMENTED, "Berth has no driver for " + engine.wire()
                    + " instances yet");
        }
        return driver;
    }

    public InstancesConfig.Image image(Engine engine) {
        return switch (engine) {
            case POSTGRESQL -> config.postgresql();
            case MARIADB -> config.mariadb();
            case MYSQL -> config.mysql();
            case REDIS -> config.redis();
            case MONGODB -> config.mongodb();
        };
    }
}
