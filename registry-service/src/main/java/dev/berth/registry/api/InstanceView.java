package dev.berth.registry.api;

import dev.berth.registry.domain.Instance;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An instance as the API shows it: never any credential. For a dedicated instance also its container, image,
 * limits and the host port it is published on (null: reachable only on the data network, by {@code host}).
 * {@code poolerPort}: PgBouncer's port where one fronts the instance (the default instance of a host install, or of
 * {@code ./berth up} with {@code BERTH_POOLER=1}); its databases may then be pooled, and {@code …/pool} answers.
 */
public record InstanceView(UUID id, String name, String engine, String host, int port, String adminUser,
        String status, String statusDetail, boolean shared, boolean dedicated, String environment, String container,
        String image, String version, Integer hostPort, Long memoryBytes, Double cpus, UUID madeForApp,
        Integer poolerPort, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    static InstanceView of(Instance i, Integer poolerPort) {
        return new InstanceView(i.id(), i.name(), i.engine(), i.host(), i.port(), i.adminUser(), i.status(),
                i.statusDetail(), i.shared(), i.dedicated(), i.environment(), i.container(), i.image(), i.version(),
                i.hostPort(), i.memoryBytes(), i.cpus(), i.madeForApp(), poolerPort, i.createdAt(), i.updatedAt());
    }
}
