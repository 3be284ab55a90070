package dev.berth.gateway.repository;

import dev.berth.gateway.domain.ActivityEntry;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ActivityRepository implements PanacheRepositoryBase<ActivityEntry, UUID> {

    public Uni<List<ActivityEntry>> newest(int limit, String subject) {
        Sort newestFirst = Sort.descending("occurredAt");
        var query = subject == null ? findAll(newestFirst) : find("subject", newestFirst, subject);
        return query.page(Page.ofSize(limit)).list();
    }
}
