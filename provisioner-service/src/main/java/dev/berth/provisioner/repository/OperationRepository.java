package dev.berth.provisioner.repository;

import dev.berth.provisioner.domain.ProvisioningOperation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code provisioning_operations} journal; the operations themselves write it. */
@ApplicationScoped
public class OperationRepository {

    @Inject
    Pool pool;

    public Uni<List<ProvisioningOperation>> newest(int limit) {
        return pool.preparedQuery(ProvisioningOperation.SELECT + "ORDER BY started_at DESC LIMIT $1")
                .execute(Tuple.of(limit)).map(rows -> {
                    List<ProvisioningOperation> list = new ArrayList<>();
                    rows.forEach(r -> list.add(ProvisioningOperation.of(r)));
                    return list;
                });
    }
}
