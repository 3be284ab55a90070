package dev.berth.backup;

import dev.berth.testing.BerthTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every @QuarkusTest of this module runs against the harness' PostgreSQL (database berth_backup) and Kafka, with the
 * real provisioner and registry started from their jars.
 */
@QuarkusTestResource(value = BerthTestResource.class, initArgs = {
        @ResourceArg(name = "database", value = "berth_backup"),
        @ResourceArg(name = "provisioner-process-pool-size", value = "2"),
        @ResourceArg(name = "registry-process", value = "true")})
public final class BackupTestInfrastructure {

    private BackupTestInfrastructure() {
    }
}
