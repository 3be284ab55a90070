package dev.berth.provisioner.instances;

import dev.berth.contracts.catalog.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * MySQL 8 from an image named in configuration (Debian has none): the official image's conventions
 * ({@code MYSQL_ROOT_PASSWORD_FILE}, data in /var/lib/mysql); its health check is {@code mysqladmin ping}.
 */
@ApplicationScoped
public class MysqlDriver extends MysqlFamilyDriver {

    @Override
    public Engine engine() {
        return Engine.MYSQL;
    }

    @Override
    public Map<String, String> env(String passwordFile, Long memoryBytes) {
        return Map.of("MYSQL_ROOT_PASSWORD_FILE", passwordFile, "MYSQL_ROOT_HOST", "%");
    }

    @Override
    public List<String> healthTest() {
        return List.of("CMD-SHELL", "mysqladmin --host=127.0.0.1 --connect-timeout=4 --silent ping");
    }
}
