package dev.berth.registry.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionsTest {

    @Test
    void composeReplicasAreOneAppNamedAfterProjectAndService() {
        Map<String, String> replica = Map.of("com.docker.compose.project", "Shop", "com.docker.compose.service", "web");
        assertEquals("shop-web", Admissions.appName(replica, "shop-web-1", "localhost/shop:1"));
        assertEquals("shop-web", Admissions.appName(replica, "shop-web-3", "localhost/shop:1"));
    }

    @Test
    void theBerthAppLabelWinsThenTheContainerName() {
        Map<String, String> labelled = Map.of("berth.app", "blog", "com.docker.compose.project", "x",
                "com.docker.compose.service", "y");
        assertEquals("blog", Admissions.appName(labelled, "x-y-1", "img"));
        assertEquals("my-app", Admissions.appName(Map.of(), "My_App", "img"));
        // A service label without its project is not enough to group containers.
        assertEquals("lone-1", Admissions.appName(Map.of("com.docker.compose.service", "web"), "lone-1", "img"));
    }

    @Test
    void withoutANameTheImageGivesOne() {
        String named = Admissions.appName(Map.of(), null, "localhost/berth/base:bookworm");
        assertTrue(named.matches("base-[0-9a-f]{6}"), named);
    }
}
