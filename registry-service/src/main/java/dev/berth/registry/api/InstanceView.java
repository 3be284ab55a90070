package dev.berth.registry.api;

import dev.berth.registry.domain.Instance;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An instance as the API shows it: never any credential. For a dedicated instance also its container, image,
 * limits and the host port it is published on (null: reachable only on the data network, by {@code host}).
 */
public record InstanceView(UUID id, String name, String engine, String host, int port, String adminUser,
        String status, String statusDetail, boolean shared, boolean dedicated, String environment, String container,
        String image, String version, Integer hostPort, Long memoryBytes, Double cpus, UUID madeForApp,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    static InstanceView of(Instance i) {
        return new InstanceView(i.id, i.name, i.engine, i.host, i.port, i.adminUser, i.status, i.statusDetail,
                i.shared, i.dedicated, i.environment, i.container, i.image, i.version, i.hostPort, i.memoryBytes,
                i.cpus, i.madeForApp, i.createdAt, i.updatedAt);
    }
}
