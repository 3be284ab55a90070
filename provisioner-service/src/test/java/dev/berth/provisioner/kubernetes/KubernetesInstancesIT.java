package dev.berth.provisioner.kubernetes;

import static dev.berth.testing.KubernetesMock.secretValue;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.embedded.Commands;
import dev.berth.embedded.FreePorts;
import dev.berth.embedded.PostgresCluster;
import dev.berth.testing.TestInfrastructure;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Kubernetes instance driver against fabric8's mock API server in CRUD mode. No real cluster runs here, and the
 * mock runs no controllers: the test plays the StatefulSet controller and the kubelet, making the pod (and its
 * claim) a StatefulSet asks for and setting its Ready condition. What is proven is what Berth sends to and reads
 * from the API: the objects of an instance, the status it takes from pod updates, the lifecycle events it records
 * in its outbox, deletion with and without the claim, and that a failed create leaves nothing of Berth's behind.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesInstancesIT.Profile.class)
class KubernetesInstancesIT {

    static final String NAMESPACE = "berth-instances";
    static final String APPS = "shop";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The mock runs no database, so the admin login cannot be tried; a short wait for pods that never come.
            return Map.of("berth.kubernetes.namespaces", NAMESPACE, "berth.kubernetes.check-admin", "false",
                    "berth.kubernetes.ready-timeout", "8s", "berth.kubernetes.app-namespaces", APPS);
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    Pool pool;

    private final AtomicBoolean kubelet = new AtomicBoolean(true);
    /** An image whose pods never become ready (as one that crashes at start would). */
    private final AtomicReference<String> brokenImage = new AtomicReference<>("");
    private Thread controller;

    @AfterEach
    void stopController() throws InterruptedException {
        kubelet.set(false);
        if (controller != null) {
            controller.join(5_000);
        }
    }

    @Test
    void anInstanceIsMadeFollowsItsPodAndIsDeletedWithOrWithoutItsClaim() {
        KubernetesClient k8s = server.getClient();
        playStatefulSetController(k8s);
        String name = "orders-production-postgresql";
        UUID id = UUID.randomUUID();
        var made = create(id, name);
        assertEquals(name + "." + NAMESPACE + ".svc", made.getString("address"));
        String password = made.getString("adminPassword");
        assertTrue(password.length() >= 24);

        // What a cluster user sees: a StatefulSet of one, both Services, the Secret the pod mounts.
        StatefulSet set = k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
        assertEquals(1, set.getSpec().getReplicas());
        assertEquals(name + "-hl", set.getSpec().getServiceName());
        var pod = set.getSpec().getTemplate().getSpec();
        assertEquals("localhost/berth/postgres:bookworm", pod.getContainers().get(0).getImage());
        assertEquals(List.of("/usr/local/bin/berth-health"),
                pod.getContainers().get(0).getReadinessProbe().getExec().getCommand());
        assertFalse(pod.getAutomountServiceAccountToken(), "an instance's pod gets no API token");
        assertEquals("data", set.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName());
        assertEquals("None", k8s.services().inNamespace(NAMESPACE).withName(name + "-hl").get().getSpec()
                .getClusterIP());
        assertEquals(5432, k8s.services().inNamespace(NAMESPACE).withName(name).get().getSpec().getPorts().get(0)
                .getPort());
        var secret = k8s.secrets().inNamespace(NAMESPACE).withName(name + "-admin").get();
        assertEquals(password, new String(Base64.getDecoder().decode(secret.getData().get("berth-admin-password")),
                StandardCharsets.UTF_8));
        assertFalse(k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get().toString()
                .contains(password), "the password is only in the Secret");
        assertEquals(List.of("InstanceCreated"), events(id));

        // The pod stops being ready, then is ready again: the status follows, each change announced once.
        setReady(k8s, name + "-0", false, "ContainersNotReady", "containers with unready status: [postgresql]");
        await().atMost(Duration.ofSeconds(20)).until(() -> "unhealthy".equals(health(id)));
        setReady(k8s, name + "-0", true, null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> "healthy".equals(health(id)));
        setReady(k8s, name + "-0", true, null, null); // an update that changes nothing announces nothing
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(List.of("InstanceCreated", "InstanceUnhealthy", "InstanceHealthy"), events(id));
        assertTrue(payloads(id).get(1).contains("containers with unready status"), "the reason is Kubernetes' own");

        // Stop scales to none (the pod goes: InstanceStopped); start to one (InstanceStarted, then healthy).
        given().post("/internal/instances/" + id + "/container/stop").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "stopped".equals(health(id)));
        given().post("/internal/instances/" + id + "/container/start").then().statusCode(200)
                .body("state", equalTo("running"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "healthy".equals(health(id)));
        assertEquals(List.of("InstanceCreated", "InstanceUnhealthy", "InstanceHealthy", "InstanceStopped",
                "InstanceStarted", "InstanceHealthy"), events(id));
        // replace is Podman's (a new container and volume); on Kubernetes the answer says what does that instead.
        given().post("/internal/instances/" + id + "/container/replace").then().statusCode(409)
                .body("detail", containsString("the StatefulSet replaces the pod on its claim"));

        // Deleted keeping the claim: everything else goes.
        given().queryParam("keepVolume", true).delete("/internal/instances/" + id + "/container").then()
                .statusCode(204);
        assertNull(k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get());
        assertNull(k8s.services().inNamespace(NAMESPACE).withName(name).get());
        assertNull(k8s.services().inNamespace(NAMESPACE).withName(name + "-hl").get());
        assertNull(k8s.secrets().inNamespace(NAMESPACE).withName(name + "-admin").get());
        assertNotNull(k8s.persistentVolumeClaims().inNamespace(NAMESPACE).withName("data-" + name + "-0").get(),
                "keepVolume keeps the claim");
        assertTrue(events(id).contains("InstanceRemoved"));

        // A second instance deleted with its claim.
        UUID other = UUID.randomUUID();
        create(other, "cache-production-postgresql");
        given().delete("/internal/instances/" + other + "/container").then().statusCode(204);
        assertNull(k8s.persistentVolumeClaims().inNamespace(NAMESPACE).withName("data-cache-production-postgresql-0")
                .get(), "the claim goes with the instance");
    }

    @Test
    void aCreateThatFailsHalfWayLeavesNothingOfBerthsAndSaysWhy() {
        KubernetesClient k8s = server.getClient();
        kubelet.set(false); // no pod ever comes: the create waits out its timeout
        String name = "stuck-production-postgresql";
        UUID id = UUID.randomUUID();
        given().contentType(ContentType.JSON).body(request(name, NAMESPACE))
                .put("/internal/instances/" + id + "/container").then().statusCode(503)
                .contentType("application/problem+json").body("detail", containsString("was not ready within 8 s"));
        assertNull(k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get());
        assertNull(k8s.services().inNamespace(NAMESPACE).withName(name).get());
        assertNull(k8s.services().inNamespace(NAMESPACE).withName(name + "-hl").get());
        assertNull(k8s.secrets().inNamespace(NAMESPACE).withName(name + "-admin").get());
        assertEquals(List.of(), events(id));
        given().get("/internal/instances/" + id + "/container").then().statusCode(404);

        // A StatefulSet of that name that is not Berth's is refused and left alone.
        String taken = "taken-production-postgresql";
        k8s.apps().statefulSets().inNamespace(NAMESPACE).resource(new StatefulSetBuilder().withNewMetadata()
                .withName(taken).endMetadata().withNewSpec().withServiceName("x").endSpec().build()).create();
        given().contentType(ContentType.JSON).body(request(taken, NAMESPACE))
                .put("/internal/instances/" + UUID.randomUUID() + "/container").then().statusCode(409);
        assertNotNull(k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(taken).get());
        assertNull(k8s.secrets().inNamespace(NAMESPACE).withName(taken + "-admin").get());

        // A namespace Berth is not configured for, and a host port, are refused before anything is made.
        given().contentType(ContentType.JSON).body(request("x-production-postgresql", "kube-system"))
                .put("/internal/instances/" + UUID.randomUUID() + "/container").then().statusCode(400)
                .body("detail", containsString("is not one Berth may run instances in"));
        Map<String, Object> withPort = new java.util.HashMap<>(request("y-production-postgresql", NAMESPACE));
        withPort.put("hostPort", 5440);
        given().contentType(ContentType.JSON).body(withPort)
                .put("/internal/instances/" + UUID.randomUUID() + "/container").then().statusCode(400);
        for (String refused : List.of("x-production-postgresql", "y-production-postgresql")) {
            assertNull(k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(refused).get(), refused);
            assertNull(k8s.secrets().inNamespace(NAMESPACE).withName(refused + "-admin").get(), refused);
        }
    }

    @Test
    void anAppsCredentialsBecomeASecretNamedAfterItAndOnlyBerthsOwnIsReplacedOrRemoved() {
        KubernetesClient k8s = server.getClient();
        UUID database = UUID.randomUUID();
        String path = "/internal/kubernetes/namespaces/" + APPS + "/secrets/orders";
        given().contentType(ContentType.JSON).body(Map.of("database", database, "data", Map.of(
                        "DATABASE_URL", "postgresql://berth_orders:first-secret@db:5432/app_orders",
                        "PGPASSWORD", "first-secret", "PGUSER", "berth_orders")))
                .put(path).then().statusCode(200).body("created", equalTo(true))
                .body("keys", equalTo(List.of("DATABASE_URL", "PGPASSWORD", "PGUSER")))
                .body(org.hamcrest.Matchers.not(containsString("first-secret")));
        var secret = k8s.secrets().inNamespace(APPS).withName("orders").get();
        assertEquals("first-secret", secretValue(secret, "PGPASSWORD"));
        assertEquals("berth", secret.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));

        // Rotated credentials replace the Secret whole: a key no longer in the bundle goes.
        given().contentType(ContentType.JSON).body(Map.of("database", database, "data", Map.of(
                        "DATABASE_URL", "postgresql://berth_orders_2:second@db:5432/app_orders", "PGPASSWORD", "second")))
                .put(path).then().statusCode(200).body("created", equalTo(false));
        secret = k8s.secrets().inNamespace(APPS).withName("orders").get();
        assertEquals("second", secretValue(secret, "PGPASSWORD"));
        assertNull(secretValue(secret, "PGUSER"));

        // Another database's Secret, or one Berth did not make, is left as it is.
        given().contentType(ContentType.JSON).body(Map.of("database", UUID.randomUUID(), "data",
                        Map.of("PGPASSWORD", "intruder"))).put(path).then().statusCode(409)
                .body("detail", containsString("is not this database's"));
        k8s.secrets().inNamespace(APPS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                .withName("billing").endMetadata().addToStringData("PGPASSWORD", "theirs").build()).create();
        given().contentType(ContentType.JSON).body(Map.of("database", database, "data", Map.of("PGPASSWORD", "x")))
                .put("/internal/kubernetes/namespaces/" + APPS + "/secrets/billing").then().statusCode(409);
        given().queryParam("database", database).delete("/internal/kubernetes/namespaces/" + APPS + "/secrets/billing")
                .then().statusCode(409);
        assertEquals("theirs", secretValue(k8s.secrets().inNamespace(APPS).withName("billing").get(), "PGPASSWORD"));
        assertEquals("second", secretValue(k8s.secrets().inNamespace(APPS).withName("orders").get(), "PGPASSWORD"));

        // A namespace not configured, a name Kubernetes would refuse, a bad key: refused, nothing written.
        given().contentType(ContentType.JSON).body(Map.of("database", database, "data", Map.of("PGPASSWORD", "x")))
                .put("/internal/kubernetes/namespaces/kube-system/secrets/orders").then().statusCode(422)
                .body("detail", containsString("not one Berth may write app Secrets in"));
        given().contentType(ContentType.JSON).body(Map.of("database", database, "data", Map.of("PGPASSWORD", "x")))
                .put("/internal/kubernetes/namespaces/" + APPS + "/secrets/Orders_DB").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("database", database, "data", Map.of("bad key!", "x")))
                .put("/internal/kubernetes/namespaces/" + APPS + "/secrets/other").then().statusCode(400);
        assertNull(k8s.secrets().inNamespace("kube-system").withName("orders").get());
        assertNull(k8s.secrets().inNamespace(APPS).withName("other").get());

        // Removed with the database; removing it again is not an error.
        given().queryParam("database", database).delete(path).then().statusCode(204);
        assertNull(k8s.secrets().inNamespace(APPS).withName("orders").get());
        given().queryParam("database", database).delete(path).then().statusCode(204);
    }

    @Test
    void restartAndUpgradeReplaceThePodOnItsClaimAndAFailedUpgradeGoesBack() {
        KubernetesClient k8s = server.getClient();
        playStatefulSetController(k8s);
        String name = "ledger-production-postgresql";
        UUID id = UUID.randomUUID();
        create(id, name);
        String first = podUid(k8s, name);

        // Restart: the template gets kubectl's restartedAt, the controller makes a new pod; the answer waits for it.
        given().post("/internal/instances/" + id + "/container/restart").then().statusCode(200)
                .body("state", equalTo("running"));
        assertNotNull(k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get().getSpec().getTemplate()
                .getMetadata().getAnnotations().get("kubectl.kubernetes.io/restartedAt"));
        String second = podUid(k8s, name);
        assertFalse(first.equals(second), "a new pod");
        await().atMost(Duration.ofSeconds(20)).until(() -> "healthy".equals(health(id)));
        assertEquals(List.of("InstanceCreated", "InstanceStopped", "InstanceStarted", "InstanceHealthy"), events(id));

        // The instance was made from an older image; the configured one is newer but does not start here: after the
        // wait the old image is put back, the stuck pod replaced, and the answer says so. The claim stays.
        setRecordedImage(id, "localhost/berth/postgres:previous");
        k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).edit(set -> new StatefulSetBuilder(set)
                .editSpec().editTemplate().editSpec().editFirstContainer().withImage("localhost/berth/postgres:previous")
                .endContainer().endSpec().endTemplate().endSpec().build());
        await().atMost(Duration.ofSeconds(20)).until(() -> !second.equals(podUid(k8s, name))
                && podReady(k8s, name));
        brokenImage.set("localhost/berth/postgres:bookworm");
        given().post("/internal/instances/" + id + "/container/upgrade").then().statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("failed, so it runs localhost/berth/postgres:previous again"));
        assertEquals("localhost/berth/postgres:previous", templateImage(k8s, name));
        assertEquals("localhost/berth/postgres:previous", recordedImage(id));
        assertTrue(podReady(k8s, name), "the pod of the old image serves again");
        assertNotNull(k8s.persistentVolumeClaims().inNamespace(NAMESPACE).withName("data-" + name + "-0").get());

        // Once the image starts, the upgrade goes through and is recorded.
        brokenImage.set("");
        given().post("/internal/instances/" + id + "/container/upgrade").then().statusCode(200)
                .body("image", equalTo("localhost/berth/postgres:bookworm")).body("state", equalTo("running"));
        assertEquals("localhost/berth/postgres:bookworm", templateImage(k8s, name));
        assertEquals("localhost/berth/postgres:bookworm", recordedImage(id));

        // A major version the instance does not run is refused, and nothing changes.
        setRecordedVersion(id, "14");
        given().post("/internal/instances/" + id + "/container/upgrade").then().statusCode(409)
                .body("detail", containsString("a major upgrade needs a backup and a restore"));
        setRecordedVersion(id, "15");

        // An instance whose pod is not ready (the controller would wait for it) is restarted all the same.
        setReady(k8s, name + "-0", false, "ContainersNotReady", "containers with unready status: [postgresql]");
        String unready = podUid(k8s, name);
        given().post("/internal/instances/" + id + "/container/restart").then().statusCode(200)
                .body("state", equalTo("running"));
        assertFalse(unready.equals(podUid(k8s, name)), "the unready pod was replaced");
        assertTrue(podReady(k8s, name));

        // Restarting a stopped instance starts it.
        given().post("/internal/instances/" + id + "/container/stop").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> k8s.pods().inNamespace(NAMESPACE).withName(name + "-0")
                .get() == null);
        given().post("/internal/instances/" + id + "/container/restart").then().statusCode(200)
                .body("state", equalTo("running"));
    }

    @Test
    void statsComeFromTheMetricsApiWhenTheClusterHasItAndSayWhatIsMissing() {
        KubernetesClient k8s = server.getClient();
        playStatefulSetController(k8s);
        String name = "metrics-production-postgresql";
        UUID id = UUID.randomUUID();
        Map<String, Object> body = new java.util.HashMap<>(request(name, NAMESPACE));
        body.put("memoryBytes", 268_435_456L);
        given().contentType(ContentType.JSON).body(body).put("/internal/instances/" + id + "/container").then()
                .statusCode(200);

        // No metrics-server (the mock answers 404 like a cluster without one); the engine is not reachable either.
        var none = given().get("/internal/instances/" + id + "/container/stats").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("running", none.getString("state"));
        assertEquals(268_435_456L, none.getLong("memoryLimitBytes"));
        assertEquals("2026-12-07T10:00Z", none.getString("startedAt").replace(":00Z", "Z"));
        assertNull(none.get("cpuPercent"));
        assertTrue(none.getString("unavailable").contains("the metrics API answered 404"), none.getString("unavailable"));
        assertTrue(none.getString("unavailable").contains("the server's own figures could not be read"));

        // A Role without the metrics rule: the answer says which rule is missing.
        server.expect().get().withPath("/apis/metrics.k8s.io/v1beta1/namespaces/" + NAMESPACE + "/pods/" + name + "-0")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}").once();
        assertTrue(given().get("/internal/instances/" + id + "/container/stats").then().statusCode(200).extract()
                .jsonPath().getString("unavailable").contains("answered 403 (the provisioner's Role needs get on pods "
                        + "in metrics.k8s.io)"));

        // With metrics-server: its figures, summed over the pod's containers (250m = a quarter of a core).
        server.expect().get().withPath("/apis/metrics.k8s.io/v1beta1/namespaces/" + NAMESPACE + "/pods/" + name + "-0")
                .andReturn(200, new PodMetricsBuilder().withNewMetadata().withName(name + "-0").withNamespace(NAMESPACE)
                        .endMetadata().addNewContainer().withName("postgresql")
                        .addToUsage("cpu", new Quantity("250m")).addToUsage("memory", new Quantity("64Mi"))
                        .endContainer().build()).always();
        var some = given().get("/internal/instances/" + id + "/container/stats").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(25.0, some.getDouble("cpuPercent"), 0.001);
        assertEquals(64L * 1024 * 1024, some.getLong("memoryUsageBytes"));
        assertFalse(some.getString("unavailable").contains("metrics API"), some.getString("unavailable"));

        // Stopped: the state says so and nothing is asked of the engine.
        given().post("/internal/instances/" + id + "/container/stop").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> k8s.pods().inNamespace(NAMESPACE).withName(name + "-0")
                .get() == null);
        given().get("/internal/instances/" + id + "/container/stats").then().statusCode(200)
                .body("state", equalTo("stopped")).body("unavailable", equalTo("the instance is stopped"));
    }

    /** MariaDB and Redis are placed the same way, each with its image, port, data path and password file. */
    @ParameterizedTest
    @CsvSource({"mariadb, localhost/berth/mariadb:bookworm, 3306, /var/lib/mysql, root",
            "redis, localhost/berth/redis:bookworm, 6379, /data, admin"})
    void otherEnginesGetTheirImagePortDataPathAndPasswordFile(String engine, String image, int port, String dataPath,
            String adminUser) {
        KubernetesClient k8s = server.getClient();
        playStatefulSetController(k8s);
        String name = "cache-staging-" + engine;
        UUID id = UUID.randomUUID();
        var made = given().contentType(ContentType.JSON).body(Map.of("name", "cache", "environment", "staging",
                        "engine", engine, "container", name, "namespace", NAMESPACE))
                .put("/internal/instances/" + id + "/container").then().statusCode(200).extract().jsonPath();
        assertEquals(adminUser, made.getString("adminUser"));
        assertEquals(port, made.getInt("port"));
        String password = made.getString("adminPassword");

        var container = k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get().getSpec().getTemplate()
                .getSpec().getContainers().get(0);
        assertEquals(image, container.getImage());
        assertEquals(port, container.getPorts().get(0).getContainerPort());
        assertEquals(dataPath, container.getVolumeMounts().stream().filter(m -> m.getName().equals("data"))
                .findFirst().orElseThrow().getMountPath());
        assertTrue(container.getEnv().stream().anyMatch(e -> e.getName().endsWith("_PASSWORD_FILE")
                && e.getValue().equals("/run/secrets/berth-admin-password")), container.getEnv().toString());
        assertTrue(container.getEnv().stream().noneMatch(e -> password.equals(e.getValue())), "no password in env");
        assertEquals(port, k8s.services().inNamespace(NAMESPACE).withName(name).get().getSpec().getPorts().get(0)
                .getPort());
        assertEquals(password, secretValue(k8s.secrets().inNamespace(NAMESPACE).withName(name + "-admin").get(),
                "berth-admin-password"));

        given().delete("/internal/instances/" + id + "/container").then().statusCode(204);
        assertNull(k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get());
        assertNull(k8s.secrets().inNamespace(NAMESPACE).withName(name + "-admin").get());
    }

    /**
     * Databases inside an instance on Kubernetes go through the same engine driver as on Podman, to the instance's
     * Service with the admin password Berth generated. No pod runs here, so a PostgreSQL server of the test's own
     * plays the pod's: the recorded Service name is replaced by its address, and its admin is made with the generated
     * password — with only CREATEDB and CREATEROLE, stricter than the image's superuser and what a managed server
     * gives (this found that such an admin could not give a database to its role: 500). Everything else (the recorded
     * endpoint, the sealed password, the driver) is the instance's own.
     */
    @Test
    void databasesInsideAnInstanceAreMadeThroughItsServiceWithTheGeneratedAdminPassword() throws Exception {
        KubernetesClient k8s = server.getClient();
        playStatefulSetController(k8s);
        String name = "shared-production-postgresql";
        UUID id = UUID.randomUUID();
        String password = create(id, name).getString("adminPassword");
        var catalog = TestInfrastructure.get().postgres();
        assertEquals(name + "." + NAMESPACE + ".svc:5432 postgres", catalog.sql("berth_provisioner",
                "SELECT host || ':' || port || ' ' || admin_user FROM instance_endpoints WHERE instance_id = '" + id
                        + "'").strip(), "Berth reaches the instance through its Service");

        // Unreachable (no DNS for the Service here): a clear 503, nothing made.
        given().contentType(ContentType.JSON).body(Map.of("databaseId", UUID.randomUUID().toString(),
                        "instanceId", id.toString(), "databaseName", "app_unreached", "roleName", "berth_unreached"))
                .post("/internal/databases").then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("https://berth.dev/problems/instance-unavailable"))
                .body("detail", containsString(name + "." + NAMESPACE + ".svc does not resolve"));

        Path home = Files.createTempDirectory("berth-pod-");
        PostgresCluster pod = new PostgresCluster(home, FreePorts.next(), false);
        try {
            pod.start();
            pod.sql("postgres", "CREATE ROLE instance_admin LOGIN CREATEDB CREATEROLE PASSWORD '" + password + "'");
            catalog.sql("berth_provisioner", "UPDATE instance_endpoints SET host = '" + pod.host() + "', port = "
                    + pod.port() + ", sslmode = 'disable', admin_user = 'instance_admin', pool_size = 1 "
                    + "WHERE instance_id = '" + id + "'");
            // Made with CREATE DATABASE, and (below) from a warm pool database renamed and given to its role.
            var login = given().contentType(ContentType.JSON).body(Map.of("databaseId", UUID.randomUUID().toString(),
                            "instanceId", id.toString(), "databaseName", "app_orders", "roleName", "berth_orders",
                            "usePool", false))
                    .post("/internal/databases").then().statusCode(200).extract().jsonPath();
            try (var app = DriverManager.getConnection(pod.jdbcUrl("app_orders"), login.getString("username"),
                    login.getString("password")); var st = app.createStatement()) {
                st.execute("CREATE TABLE orders (id int)");
                st.execute("INSERT INTO orders VALUES (1)");
            }
            assertEquals("berth_orders", pod.sql("postgres", "SELECT r.rolname FROM pg_database d JOIN pg_roles r "
                    + "ON r.oid = d.datdba WHERE d.datname = 'app_orders'").strip(), "the database is its role's");
            assertEquals("", catalog.sql("postgres", "SELECT datname FROM pg_database WHERE datname = 'app_orders'")
                    .strip(), "made in the instance, not in Berth's catalog server");

            await().atMost(Duration.ofSeconds(30)).until(() -> !pod.sql("postgres", "SELECT datname FROM pg_database "
                    + "WHERE datname LIKE 'berth\\_pool\\_%'").isBlank());
            given().contentType(ContentType.JSON).body(Map.of("databaseId", UUID.randomUUID().toString(),
                            "instanceId", id.toString(), "databaseName", "app_billing", "roleName", "berth_billing"))
                    .post("/internal/databases").then().statusCode(200).body("fromPool", equalTo(true));
            assertEquals("berth_billing", pod.sql("postgres", "SELECT r.rolname FROM pg_database d JOIN pg_roles r "
                    + "ON r.oid = d.datdba WHERE d.datname = 'app_billing'").strip());

            // A zero-downtime rotation (a second login in the owner role) and dropping both, with that admin too.
            String ordersId = login.getString("databaseId");
            var rotated = given().contentType(ContentType.JSON).body(Map.of("mode", "zero-downtime"))
                    .post("/internal/databases/" + ordersId + "/rotate").then().statusCode(200).extract().jsonPath();
            try (var app = DriverManager.getConnection(pod.jdbcUrl("app_orders"), rotated.getString("username"),
                    rotated.getString("password")); var st = app.createStatement();
                    var rows = st.executeQuery("SELECT count(*) FROM orders")) {
                assertTrue(rows.next());
                assertEquals(1, rows.getInt(1), "the new login sees the owner's table");
            }
            given().delete("/internal/databases/" + ordersId).then().statusCode(204);
            assertEquals("", pod.sql("postgres", "SELECT datname FROM pg_database WHERE datname = 'app_orders' "
                    + "UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE 'berth\\_orders%'").strip(),
                    "database and every login gone");
        } finally {
            given().delete("/internal/instances/" + id + "/container").then().statusCode(204);
            pod.stop();
            Commands.run(List.of("rm", "-rf", home.toString()), null, 60);
        }
    }

    private static String podUid(KubernetesClient k8s, String name) {
        Pod pod = k8s.pods().inNamespace(NAMESPACE).withName(name + "-0").get();
        return pod == null ? "" : pod.getMetadata().getUid();
    }

    private static boolean podReady(KubernetesClient k8s, String name) {
        Pod pod = k8s.pods().inNamespace(NAMESPACE).withName(name + "-0").get();
        return pod != null && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
                && "True".equals(c.getStatus()));
    }

    private static String templateImage(KubernetesClient k8s, String name) {
        return k8s.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get().getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage();
    }

    private void setRecordedImage(UUID id, String image) {
        pool.preparedQuery("UPDATE instance_containers SET image = $2 WHERE instance_id = $1")
                .execute(Tuple.of(id, image)).await().atMost(Duration.ofSeconds(10));
    }

    private void setRecordedVersion(UUID id, String version) {
        pool.preparedQuery("UPDATE instance_containers SET version = $2 WHERE instance_id = $1")
                .execute(Tuple.of(id, version)).await().atMost(Duration.ofSeconds(10));
    }

    private String recordedImage(UUID id) {
        return pool.preparedQuery("SELECT image FROM instance_containers WHERE instance_id = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
    }

    private io.restassured.path.json.JsonPath create(UUID id, String name) {
        return given().contentType(ContentType.JSON).body(request(name, NAMESPACE))
                .put("/internal/instances/" + id + "/container").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> request(String container, String namespace) {
        return Map.of("name", container.substring(0, container.indexOf('-')), "environment", "production",
                "engine", "postgresql", "container", container, "namespace", namespace);
    }

    /** What the StatefulSet controller and the kubelet would do: pod N-0 (ready) and its claim for each StatefulSet. */
    private void playStatefulSetController(KubernetesClient k8s) {
        kubelet.set(true);
        controller = new Thread(() -> {
            while (kubelet.get()) {
                for (StatefulSet set : k8s.apps().statefulSets().inNamespace(NAMESPACE).list().getItems()) {
                    String podName = set.getMetadata().getName() + "-0";
                    Pod existing = k8s.pods().inNamespace(NAMESPACE).withName(podName).get();
                    int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
                    var template = set.getSpec().getTemplate();
                    boolean outdated = existing != null && template != null && template.getSpec() != null
                            && (!Objects.equals(existing.getMetadata().getAnnotations(),
                                    template.getMetadata().getAnnotations())
                                    || !Objects.equals(existing.getSpec().getContainers().get(0).getImage(),
                                            template.getSpec().getContainers().get(0).getImage()));
                    // Like the real controller, a rolling update waits for a pod that is not ready instead of
                    // replacing it (Kubernetes' "forced rollback" case): only Berth's own delete moves it on.
                    boolean waits = outdated && !podReady(k8s, set.getMetadata().getName());
                    if ((replicas == 0 || outdated && !waits) && existing != null) {
                        k8s.pods().inNamespace(NAMESPACE).withName(podName).delete();
                    } else if (replicas > 0 && existing == null && template != null) {
                        boolean starts = template.getSpec() == null || !template.getSpec().getContainers().get(0)
                                .getImage().equals(brokenImage.get());
                        k8s.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata()
                                .withName(podName).withLabels(template.getMetadata().getLabels())
                                .withAnnotations(template.getMetadata().getAnnotations()).endMetadata()
                                .withSpec(template.getSpec()).withNewStatus().withPhase("Running")
                                .withStartTime("2026-12-07T10:00:00Z").addNewCondition().withType("Ready")
                                .withStatus(starts ? "True" : "False")
                                .withReason(starts ? null : "ContainersNotReady").endCondition().endStatus().build())
                                .create();
                        String claim = "data-" + podName;
                        if (k8s.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim).get() == null) {
                            k8s.persistentVolumeClaims().inNamespace(NAMESPACE).resource(
                                    new PersistentVolumeClaimBuilder().withNewMetadata().withName(claim).endMetadata()
                                            .withNewSpec().withNewResources().addToRequests("storage",
                                                    new Quantity("10Gi")).endResources().endSpec().build()).create();
                        }
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fake-statefulset-controller");
        controller.setDaemon(true);
        controller.start();
    }

    private static void setReady(KubernetesClient k8s, String pod, boolean ready, String reason, String message) {
        k8s.pods().inNamespace(NAMESPACE).withName(pod).edit(p -> new PodBuilder(p).editStatus().withConditions()
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").withReason(reason)
                .withMessage(message).endCondition().endStatus().build());
    }

    private String health(UUID id) {
        var rows = pool.preparedQuery("SELECT health FROM instance_containers WHERE instance_id = $1")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10));
        return rows.size() == 0 ? null : rows.iterator().next().getString(0);
    }

    private List<String> events(UUID id) {
        List<String> types = new ArrayList<>();
        for (Row row : pool.preparedQuery("SELECT event_type FROM outbox WHERE message_key = $1 ORDER BY seq")
                .execute(Tuple.of(id.toString())).await().atMost(Duration.ofSeconds(10))) {
            String type = row.getString(0);
            types.add(type.substring(type.lastIndexOf('.') + 1));
        }
        return types;
    }

    private List<String> payloads(UUID id) {
        List<String> out = new ArrayList<>();
        for (Row row : pool.preparedQuery("SELECT payload::text FROM outbox WHERE message_key = $1 ORDER BY seq")
                .execute(Tuple.of(id.toString())).await().atMost(Duration.ofSeconds(10))) {
            out.add(row.getString(0));
        }
        return out;
    }
}
