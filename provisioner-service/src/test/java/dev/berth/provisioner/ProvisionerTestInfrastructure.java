package dev.berth.provisioner;

import dev.berth.testing.BerthTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Every @QuarkusTest of this module runs against the harness' PostgreSQL (database berth_provisioner) and Kafka. */
@QuarkusTestResource(value = BerthTestResource.class,
        initArgs = {@ResourceArg(name = "database", value = "berth_provisioner"),
                @ResourceArg(name = "provisioner-pool-size", value = "2"),
                @ResourceArg(name = "podman", value = "true")})
public final class ProvisionerTestInfrastructure {

    private ProvisionerTestInfrastructure() {
    }
}
