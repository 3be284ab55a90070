package dev.berth.registry.api;

import dev.berth.registry.domain.Instance;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An instance as the API shows it: never any credential. */
public record InstanceView(UUID id, String name, String engine, String host, int port, String adminUser,
        String status, boolean shared, OffsetDateTime createdAt) {

    static InstanceView of(Instance i) {
        return new InstanceView(i.id, i.name, i.engine, i.host, i.port, i.adminUser, i.status, i.shared, i.createdAt);
    }
}
