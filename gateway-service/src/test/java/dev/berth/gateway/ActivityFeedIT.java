package dev.berth.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import dev.berth.contracts.events.BackupCompleted;
import dev.berth.contracts.events.ContainerCreated;
import dev.berth.contracts.events.DatabaseProvisioned;
import dev.berth.contracts.events.EventEnvelope;
import dev.berth.testing.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ActivityFeedIT {

    @Inject
    Pool pool;

    @Test
    void eventsFromEveryTopicAppearOnceNewestFirst() {
        String db = UUID.randomUUID().toString();
        EventEnvelope provisioned = EventEnvelope.of("/berth/registry",
                new DatabaseProvisioned(db, "inst", "shop", "app_shop", "berth_shop"));
        TestEvents.publish(provisioned);
        TestEvents.publish(provisioned);
        TestEvents.publish(EventEnvelope.of("/berth/backup",
                new BackupCompleted(UUID.randomUUID().toString(), db, "manual", 2048, "ab".repeat(32), 120)));
        TestEvents.publish(EventEnvelope.of("/berth/provisioner",
                new ContainerCreated("c-" + db, "shop-web", "localhost/berth/shop:1", "shop", db)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("subject", db)
                .when().get("/api/activity").then().statusCode(200)
                .body("", hasSize(2))
                .body("[0].type", equalTo("dev.berth.BackupCompleted"))
                .body("[1].type", equalTo("dev.berth.DatabaseProvisioned"))
                .body("[1].data.databaseName", equalTo("app_shop")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().queryParam("subject", "c-" + db)
                .when().get("/api/activity").then().statusCode(200).body("", hasSize(1)));
    }

    @Test
    void refusesLimitsOutsideTheBounds() {
        given().queryParam("limit", 0).when().get("/api/activity").then().statusCode(400);
        given().queryParam("limit", 501).when().get("/api/activity").then().statusCode(400);
    }

    @Test
    void secretLookingFieldsAreLeftOutOfTheListAsOfTheStream() {
        // Events carry no secrets by contract; an entry that did anyway (an older or a foreign producer) is shown
        // without them.
        String subject = "s-" + UUID.randomUUID();
        pool.preparedQuery("INSERT INTO activity (event_id, type, subject, source, occurred_at, data) VALUES ($1, "
                        + "'dev.berth.DatabaseProvisioned', $2, '/berth/test', now(), CAST($3::text AS jsonb))")
                .execute(Tuple.of(UUID.randomUUID(), subject,
                        "{\"databaseName\":\"app_x\",\"adminPassword\":\"not-for-eyes\",\"nested\":{\"apiKey\":\"k\"}}"))
                .await().indefinitely();

        given().queryParam("subject", subject).when().get("/api/activity").then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].data.databaseName", equalTo("app_x"))
                .body("[0].data", not(hasKey("adminPassword")))
                .body("[0].data.nested", not(hasKey("apiKey")));
    }
}
