package dev.berth.testing;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * fabric8's mock Kubernetes API server in CRUD mode on 127.0.0.1, behind the provisioner process of this JVM: no
 * cluster runs here. It stores what it is sent and answers reads and watches from that; it runs no controllers, no
 * admission and no RBAC. Namespace {@link #APPS} is the one the provisioner may write apps' Secrets in.
 */
public final class KubernetesMock {

    public static final String APPS = "apps";
    private static KubernetesMock instance;

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private KubernetesMock() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    }

    public static synchronized KubernetesMock get() {
        if (instance == null) {
            instance = new KubernetesMock();
        }
        return instance;
    }

    /** A client of the mock, to read what the provisioner wrote. */
    public KubernetesClient client() {
        return client;
    }

    /** The provisioner's settings for this server. */
    Map<String, String> provisionerSettings() {
        return Map.of("quarkus.kubernetes-client.api-server-url", client.getMasterUrl().toString(),
                "quarkus.kubernetes-client.trust-certs", "true", "quarkus.kubernetes-client.namespace", "default",
                "berth.kubernetes.app-namespaces", APPS);
    }

    /** A key's value as a pod would get it (the mock keeps stringData as sent; a real API server moves it to data). */
    public static String secretValue(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }
}
