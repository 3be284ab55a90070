package dev.berth.gateway.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.gateway.events.StreamedEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code activity} table; the event consumers write it. */
@ApplicationScoped
public class ActivityRepository {

    @Inject
    Pool pool;

    @Inject
    ObjectMapper json;

    /** The newest entries, of one aggregate ({@code subject}) or of all when it is null. */
    public Uni<List<StreamedEvent>> newest(int limit, String subject) {
        return pool.preparedQuery("SELECT " + StreamedEvent.COLUMNS + " FROM activity "
                        + "WHERE ($1::text IS NULL OR subject = $1) ORDER BY occurred_at DESC, seq DESC LIMIT $2")
                .execute(Tuple.of(subject, limit)).map(rows -> {
                    List<StreamedEvent> list = new ArrayList<>();
                    rows.forEach(r -> list.add(StreamedEvent.of(r, json)));
                    return list;
                });
    }
}
