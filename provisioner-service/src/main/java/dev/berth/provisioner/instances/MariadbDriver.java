package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
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
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MARIADB_ROOT_PASSWORD_FILE", passwordFile);
        if (memoryBytes != null) {
            env.put("BERTH_MEMORY_LIMIT", String.valueOf(memoryBytes));
        }
        return env;
    }

    @Override
    public List<String> healthTest() {
        return List.of("CMD", "/usr/local/bin/berth-health");
    }
}
