package dev.berth.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.gateway.config.GatewayConfig;
import dev.berth.gateway.events.StreamedEvent;
import dev.berth.gateway.repository.ActivityRepository;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * What happened lately across Berth: databases provisioned and dropped, containers, backups. Secret-looking fields are
 * left out, as on the live stream.
 */
@Path("/api/activity")
@Produces(MediaType.APPLICATION_JSON)
public class ActivityResource {

    /** An activity entry as the API shows it. */
    public record ActivityView(long seq, UUID eventId, String type, String subject, String source, OffsetDateTime occurredAt,
            JsonNode data) {
    }

    @Inject
    ActivityRepository activity;

    @Inject
    GatewayConfig config;

    @GET
    @Operation(summary = "Recent activity", description = "Newest first; optionally only one aggregate (subject).")
    public Uni<List<ActivityView>> recent(@QueryParam("limit") Integer limit, @QueryParam("subject") String subject) {
        int max = config.activity().maxLimit();
        int n = limit == null ? config.activity().defaultLimit() : limit;
        if (n < 1 || n > max) {
            throw new BadRequestException("limit must be between 1 and " + max);
        }
        return activity.newest(n, subject).map(list -> list.stream().map(this::view).toList());
    }

    private ActivityView view(StreamedEvent e) {
        return new ActivityView(e.seq(), e.eventId(), e.type(), e.subject(), e.source(), e.occurredAt(), e.data());
    }
}
