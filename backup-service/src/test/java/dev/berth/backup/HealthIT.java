package dev.berth.backup;

import dev.berth.testing.HealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthIT extends HealthContract {

    @Override
    protected String title() {
        return "Berth backup API";
    }

    @Override
    protected String documentedPath() {
        return "/api/backup-schedules/{databaseId}";
    }
}
