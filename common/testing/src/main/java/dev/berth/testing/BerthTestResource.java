package dev.berth.testing;

import dev.berth.embedded.PostgresCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at this JVM's PostgreSQL and Kafka. Init arg {@code database} names the service's
 * own database (created if missing), e.g. {@code berth_registry}; {@code provisioner-pool-size} makes the harness'
 * PostgreSQL the provisioner's default instance with that warm pool size; {@code provisioner-process-pool-size} starts
 * the real provisioner ({@link ServiceProcess}) and points the registry at it; {@code registry-process} (any value)
 * also starts the real registry and points the backup service at both; {@code podman} (any value) starts this JVM's
 * {@link PodmanService} and points the provisioner at it (the provisioner process always gets it);
 * {@code registry-under-test} runs the registry under test on the port the provisioner process calls back.
 */
public class BerthTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "berth_test";
    private int poolSize = -1;
    private int provisionerProcessPool = -1;
    private boolean registryProcess;
    private boolean podman;
    private boolean registryUnderTest;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
        if (initArgs.containsKey("provisioner-process-pool-size")) {
            provisionerProcessPool = Integer.parseInt(initArgs.get("provisioner-process-pool-size"));
        }
        registryProcess = initArgs.containsKey("registry-process");
        podman = initArgs.containsKey("podman");
        registryUnderTest = initArgs.containsKey("registry-under-test");
        if (initArgs.containsKey("provisioner-pool-size")) {
            poolSize = Integer.parseInt(initArgs.get("provisioner-pool-size"));
        }
    }

    @Override
    public Map<String, String> start() {
        TestInfrastructure infra = TestInfrastructure.get();
        PostgresCluster pg = infra.postgres();
        pg.ensureDatabase(database, PostgresCluster.ADMIN_USER);
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "quarkus.datasource.reactive.url", pg.reactiveUrl(database),
                "quarkus.datasource.jdbc.url", pg.jdbcUrl(database),
                "quarkus.datasource.username", PostgresCluster.ADMIN_USER,
                "quarkus.datasource.password", pg.adminPassword(),
                "kafka.bootstrap.servers", infra.kafka().bootstrapServers(),
                "quarkus.devservices.enabled", "false"));
        settings.putAll(TestKeys.settings());
        if (poolSize >= 0) {
            settings.putAll(infra.provisionerSettings(poolSize));
        }
        if (podman) {
            settings.putAll(PodmanService.get().provisionerSettings());
        }
        if (registryUnderTest) {
            // On the port the provisioner process' admission hook calls back.
            settings.put("quarkus.http.test-port", String.valueOf(ServiceProcess.registryPort()));
        }
        if (provisionerProcessPool >= 0) {
            settings.put("quarkus.rest-client.provisioner.url", ServiceProcess.provisioner(provisionerProcessPool).url());
            settings.put("berth.registry.default-instance.host", pg.host());
            settings.put("berth.registry.default-instance.port", String.valueOf(pg.port()));
        }
        if (registryProcess) {
            settings.put("quarkus.rest-client.registry.url",
                    ServiceProcess.registry(Math.max(0, provisionerProcessPool)).url());
        }
        return settings;
    }

    @Override
    public void stop() {
        // The infrastructure lives as long as the test JVM; TestInfrastructure's shutdown hook stops it.
    }
}
