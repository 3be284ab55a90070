package dev.berth.registry;

import dev.berth.testing.HealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthIT extends HealthContract {

    @Override
    protected String title() {
        return "Berth registry API";
    }

    @Override
    protected String documentedPath() {
        return "/api/instances";
    }
}
