package dev.berth.registry;

import static dev.berth.testing.KubernetesMock.secretValue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.testing.KubernetesMock;
import dev.berth.testing.TestInfrastructure;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An app database's credentials in a Kubernetes Secret, through the registry and the real provisioner, which writes to
 * fabric8's mock API server (CRUD mode, no cluster runs here): written, rewritten on rotation, removed with the
 * database; refused namespaces change nothing.
 */
@QuarkusTest
class KubernetesSecretsIT {

    private final KubernetesClient k8s = KubernetesMock.get().client();

    @Test
    void theCredentialsGoIntoASecretNamedAfterTheAppThatFollowsRotationAndGoesWithTheDatabase() throws SQLException {
        String app = "k8s_" + UUID.randomUUID().toString().substring(0, 8);
        String name = app.replace('_', '-');
        JsonPath created = given().contentType(ContentType.JSON).body(Map.of("app", app))
                .post("/api/databases").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");

        given().contentType(ContentType.JSON).body(Map.of("namespace", KubernetesMock.APPS))
                .put("/api/databases/" + id + "/kubernetes-secret").then().statusCode(200)
                .body("namespace", equalTo(KubernetesMock.APPS)).body("name", equalTo(name))
                .body("keys", hasItems("DATABASE_URL", "JDBC_DATABASE_URL", "PGPASSWORD"))
                .body(not(containsString(created.getString("credentials.password"))));
        Secret secret = k8s.secrets().inNamespace(KubernetesMock.APPS).withName(name).get();
        assertNotNull(secret, "the Secret is in the app's namespace");
        assertEquals(created.getString("credentials.password"), secretValue(secret, "PGPASSWORD"));
        assertEquals(created.getString("connection.env.DATABASE_URL"), secretValue(secret, "DATABASE_URL"));
        assertEquals(id, secret.getMetadata().getLabels().get("berth.dev/database"));
        // What a pod would get works: the JDBC URL from the Secret connects.
        DriverManager.getConnection(secretValue(secret, "JDBC_DATABASE_URL")).close();
        given().get("/api/databases/" + id + "/kubernetes-secret").then().statusCode(200)
                .body("name", equalTo(name));
        assertEquals("1", pg().sql("berth_registry", "SELECT count(*) FROM audit_events WHERE action = "
                + "'credentials.secret-written' AND subject LIKE '" + id + "%'"));

        // Rotation rewrites the Secret and says so; the old password is gone from it.
        JsonPath rotated = given().contentType(ContentType.JSON).body(Map.of("mode", "immediate"))
                .post("/api/databases/" + id + "/rotate-credentials").then().statusCode(200)
                .body("handedTo", hasItem("kubernetes-secret " + KubernetesMock.APPS + "/" + name))
                .extract().jsonPath();
        secret = k8s.secrets().inNamespace(KubernetesMock.APPS).withName(name).get();
        assertNotEquals(created.getString("credentials.password"), secretValue(secret, "PGPASSWORD"));
        assertEquals(rotated.getString("credentials.password"), secretValue(secret, "PGPASSWORD"));
        DriverManager.getConnection(secretValue(secret, "JDBC_DATABASE_URL")).close();

        // Another namespace while it has one: refused, the Secret stays where it is.
        given().contentType(ContentType.JSON).body(Map.of("namespace", "other"))
                .put("/api/databases/" + id + "/kubernetes-secret").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("remove it first"));

        given().delete("/api/databases/" + id).then().statusCode(204);
        assertNull(k8s.secrets().inNamespace(KubernetesMock.APPS).withName(name).get(), "removed with the database");
        assertEquals("0", pg().sql("berth_registry", "SELECT count(*) FROM kubernetes_secrets WHERE database_id = '"
                + id + "'"));
    }

    @Test
    void aNamespaceBerthMayNotWriteInOrNoNamespaceIsRefusedAndNothingIsWritten() {
        String app = "k8sno_" + UUID.randomUUID().toString().substring(0, 8);
        String id = given().contentType(ContentType.JSON).body(Map.of("app", app))
                .post("/api/databases").then().statusCode(201).extract().path("id");

        given().contentType(ContentType.JSON).body(Map.of("namespace", "kube-system"))
                .put("/api/databases/" + id + "/kubernetes-secret").then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("not one Berth may write app Secrets in"));
        given().contentType(ContentType.JSON).put("/api/databases/" + id + "/kubernetes-secret").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("namespace"));
        assertNull(k8s.secrets().inNamespace("kube-system").withName(app.replace('_', '-')).get());
        given().get("/api/databases/" + id + "/kubernetes-secret").then().statusCode(404)
                .contentType("application/problem+json");
        assertEquals("0", pg().sql("berth_registry", "SELECT count(*) FROM audit_events WHERE action = "
                + "'credentials.secret-written' AND subject LIKE '" + id + "%'"));
        // Removing a Secret it never had is fine; an unknown database is not.
        given().delete("/api/databases/" + id + "/kubernetes-secret").then().statusCode(204);
        given().contentType(ContentType.JSON).body(Map.of("namespace", KubernetesMock.APPS))
                .put("/api/databases/" + UUID.randomUUID() + "/kubernetes-secret").then().statusCode(404);
        given().delete("/api/databases/" + id).then().statusCode(204);
    }


    private static dev.berth.embedded.PostgresCluster pg() {
        return TestInfrastructure.get().postgres();
    }
}
