package dev.berth.provisioner.repository;

import dev.berth.provisioner.domain.ProvisioningOperation;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class OperationRepository implements PanacheRepositoryBase<ProvisioningOperation, UUID> {

    public Uni<List<ProvisioningOperation>> newest(int limit) {
        return findAll(Sort.descending("startedAt")).page(Page.ofSize(limit)).list();
    }
}
