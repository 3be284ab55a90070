package dev.berth.registry;

import dev.berth.testing.BerthTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Every @QuarkusTest of this module runs against the harness' PostgreSQL (database berth_registry) and Kafka. */
@QuarkusTestResource(value = BerthTestResource.class,
        initArgs = {@ResourceArg(name = "database", value = "berth_registry"),
                @ResourceArg(name = "provisioner-process-pool-size", value = "2"),
                @ResourceArg(name = "registry-under-test", value = "true")})
public final class RegistryTestInfrastructure {

    private RegistryTestInfrastructure() {
    }
}
