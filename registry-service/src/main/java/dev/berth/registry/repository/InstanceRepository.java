package dev.berth.registry.repository;

import dev.berth.registry.domain.Instance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads the {@code instances} catalog for the API; the writes live with the operations that make them. */
@ApplicationScoped
public class InstanceRepository {

    @Inject
    Pool pool;

    public Uni<Optional<Instance>> find(UUID id) {
        return pool.preparedQuery(Instance.SELECT + "WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(Instance.of(it.next())) : Optional.<Instance>empty();
        });
    }

    public Uni<Long> count() {
        return pool.query("SELECT count(*) FROM instances").execute().map(rows -> rows.iterator().next().getLong(0));
    }

    /** Ordered by name (unique), so pages do not overlap. */
    public Uni<List<Instance>> page(int index, int size) {
        return pool.preparedQuery(Instance.SELECT + "ORDER BY name LIMIT $1 OFFSET $2")
                .execute(Tuple.of(size, (long) index * size)).map(rows -> {
                    List<Instance> list = new ArrayList<>();
                    rows.forEach(r -> list.add(Instance.of(r)));
                    return list;
                });
    }
}
