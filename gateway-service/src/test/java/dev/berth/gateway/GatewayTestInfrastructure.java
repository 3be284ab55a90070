package dev.berth.gateway;

import dev.berth.testing.BerthTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Every @QuarkusTest of this module runs against the harness' PostgreSQL (database berth_gateway) and Kafka. */
@QuarkusTestResource(value = BerthTestResource.class, initArgs = {
        @ResourceArg(name = "database", value = "berth_gateway"),
        @ResourceArg(name = "provisioner-process-pool-size", value = "1"),
        @ResourceArg(name = "registry-process", value = "true")})
public final class GatewayTestInfrastructure {

    private GatewayTestInfrastructure() {
    }
}
