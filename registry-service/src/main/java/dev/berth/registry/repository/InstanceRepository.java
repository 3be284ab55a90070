package dev.berth.registry.repository;

import dev.berth.registry.domain.Instance;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class InstanceRepository implements PanacheRepositoryBase<Instance, UUID> {

    public Uni<List<Instance>> page(int index, int size) {
        return findAll(Sort.by("name")).page(Page.of(index, size)).list();
    }
}
