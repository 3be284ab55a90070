package dev.berth.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code berth.kubernetes.*}: dedicated instances on a Kubernetes cluster (the API server from
 * {@code quarkus.kubernetes-client.*}: in a pod, its ServiceAccount). Off unless namespaces are named; a request for a
 * namespace not named here is refused.
 */
@ConfigMapping(prefix = "berth.kubernetes")
public interface KubernetesConfig {

    /** The namespaces instances may be put in (the provisioner's Role must be bound in each); empty: off. */
    Optional<List<String>> namespaces();

    /**
     * The namespaces apps' credential Secrets may be written in (the provisioner needs create/update/delete on
     * Secrets there, see deploy/kubernetes/examples/app-namespace); absent: apps get no Secrets.
     */
    Optional<List<String>> appNamespaces();

    /** Each instance's volume claim. */
    @WithDefault("10Gi")
    String storageSize();

    /** The claims' StorageClass; absent: the cluster's default. */
    Optional<String> storageClass();

    /** How long a new instance's pod may take to become ready (image pull, volume, initdb). */
    @WithDefault("5m")
    Duration readyTimeout();

    /**
     * Whether a new instance's admin login is tried before it is recorded (through its Service). Off only where the
     * provisioner cannot reach the pods: the tests' mock API server runs no pods.
     */
    @WithDefault("true")
    boolean checkAdmin();
}
