package dev.berth.provisioner.service;

import dev.berth.contracts.catalog.DefaultInstance;
import dev.berth.provisioner.config.ProvisionerConfig;
import dev.berth.provisioner.engine.InstanceConnections;
import dev.berth.provisioner.engine.InstanceEndpoint;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Registers the host PostgreSQL from configuration as the default (shared) instance, at start and again until it
 * works (PostgreSQL may come up after the provisioner). Its warm pool gets the configured size.
 */
@ApplicationScoped
public class DefaultInstanceRegistration {

    private static final Logger LOG = Logger.getLogger(DefaultInstanceRegistration.class);

    @Inject
    ProvisionerConfig config;

    @Inject
    InstanceConnections instances;

    @Inject
    WarmPool warmPool;

    private final AtomicBoolean registered = new AtomicBoolean();

    @Scheduled(every = "10s", delay = 0, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> ensureRegistered() {
        ProvisionerConfig.DefaultInstance settings = config.defaultInstance();
        if (registered.get() || settings.host().isEmpty() || settings.adminPassword().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        InstanceEndpoint endpoint = new InstanceEndpoint(DefaultInstance.ID, settings.host().get(), settings.port(),
                settings.adminUser(), settings.sslmode());
        return instances.register(endpoint, settings.adminPassword().get(), config.pool().size())
                .invoke(probe -> {
                    registered.set(true);
                    LOG.infof("default instance %s:%d registered (PostgreSQL %s)", endpoint.host(), endpoint.port(),
                            probe.serverVersion());
                })
                .chain(() -> warmPool.refill(DefaultInstance.ID))
                .onFailure().invoke(e -> LOG.warnf("default instance not registered yet: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
