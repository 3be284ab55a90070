package dev.berth.gateway;

import dev.berth.testing.HealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthIT extends HealthContract {

    @Override
    protected String title() {
        return "Berth API";
    }

    @Override
    protected String documentedPath() {
        return "/api/activity";
    }
}
