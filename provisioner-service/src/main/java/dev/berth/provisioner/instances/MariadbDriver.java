package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/** MariaDB in {@code localhost/berth/mariadb}. */
@ApplicationScoped
public class MariadbDriver extends MysqlFamilyDriver {

    @Override
    public Engine engine() {
        return Engine.MARIADB;
    }

    @Override
    public Map<String, String> env(String passwordFile, Long memoryBytes) {
        return EngineDriver.berthImageEnv("MARIADB_ROOT_PASSWORD_FILE", passwordFile, memoryBytes);
    }

    @Override
    public List<String> healthTest() {
        return BERTH_HEALTH;
    }
}
