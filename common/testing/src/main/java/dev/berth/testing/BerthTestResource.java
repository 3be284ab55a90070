package dev.berth.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at this JVM's PostgreSQL and Kafka. Init arg {@code database} names the service's
 * own database (created if missing), e.g. {@code berth_registry}.
 */
public class BerthTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "berth_test";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        TestInfrastructure infra = TestInfrastructure.get();
        PostgresCluster pg = infra.postgres();
        pg.ensureDatabase(database, PostgresCluster.ADMIN_USER);
        return Map.of(
                "quarkus.datasource.reactive.url", pg.reactiveUrl(database),
                "quarkus.datasource.jdbc.url", pg.jdbcUrl(database),
                "quarkus.datasource.username", PostgresCluster.ADMIN_USER,
                "quarkus.datasource.password", pg.adminPassword(),
                "kafka.bootstrap.servers", infra.kafka().bootstrapServers(),
                "quarkus.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        // The infrastructure lives as long as the test JVM; TestInfrastructure's shutdown hook stops it.
    }
}
