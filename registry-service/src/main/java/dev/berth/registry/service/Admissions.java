package dev.berth.registry.service;

import dev.berth.contracts.admission.Admission;
import dev.berth.contracts.catalog.ContainerLabels;
import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.service.AppRecords.NameTaken;
import dev.berth.registry.service.AppService.App;
import dev.berth.registry.service.AppService.DatabaseRequest;
import dev.berth.registry.service.AppService.DeployRequest;
import dev.berth.registry.service.Detection.Binding;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Container creates seen by the provisioner's Podman hook. Label {@code berth.database=none} opts out, a database
 * id binds that database, otherwise env names are detected as for {@code POST /api/apps} (mode auto).
 *
 * <p>The app a container belongs to is named by label {@code berth.app}, else by docker-compose's project and
 * service labels ({@code web} of project {@code shop} → app {@code shop-web}), else by the container's name. Every
 * container of a live app — compose replicas, a re-created container — is bound to that app's one database; the
 * first one records the app (its container id arrives with {@code ContainerCreated}).
 */
@ApplicationScoped
public class Admissions {

    private static final Logger LOG = Logger.getLogger(Admissions.class);
    /** How long a replica waits for the first container's admission (provisioning its database) to finish. */
    private static final Duration WAIT_STEP = Duration.ofMillis(100);
    private static final int WAIT_STEPS = 300;

    @Inject
    Pool pool;

    @Inject
    AppRecords records;

    @Inject
    DatabaseBinding binding;

    @Inject
    DatabaseService databases;

    @Inject
    Detection detection;

    public Uni<Admission> admit(String containerName, String image, Map<String, String> env,
            Map<String, String> labels) {
        Map<String, String> given = AppService.normalized(env == null ? Map.of() : env);
        Map<String, String> labelMap = labels == null ? Map.of() : labels;
        String bound = labelMap.get(ContainerLabels.DATABASE);
        if (ContainerLabels.NO_DATABASE.equals(bound)) {
            return Uni.createFrom().item(Admission.leaveAlone());
        }
        UUID existing = null;
        if (bound != null && !bound.isBlank()) {
            try {
                existing = UUID.fromString(bound);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "label berth.database must be none or a "
                        + "database id, not '" + bound + "'");
            }
        } else if (detection.detect(given).isEmpty()) {
            return Uni.createFrom().item(Admission.leaveAlone());
        }
        String app = appName(labelMap, containerName, image);
        DatabaseRequest database = new DatabaseRequest(existing == null ? "auto" : "existing", existing, null, null,
                null, null, null);
        return admitAs(app, image, given, database, 0);
    }

    /** A new app, or a further container of the live app of that name (waiting while its first one is admitted). */
    private Uni<Admission> admitAs(String app, String image, Map<String, String> env, DatabaseRequest database,
            int attempt) {
        return records.live(app).flatMap(live -> {
            if (live == null) {
                return admitNew(app, image, env, database).onFailure(NameTaken.class)
                        .recoverWithUni(() -> later(app, image, env, database, attempt));
            }
            if (live.databaseId() == null && "deploying".equals(live.status())) {
                return later(app, image, env, database, attempt);
            }
            return replica(live, env);
        });
    }

    private Uni<Admission> later(String app, String image, Map<String, String> env, DatabaseRequest database,
            int attempt) {
        if (attempt >= WAIT_STEPS) {
            throw new ProblemException(ProblemType.CONFLICT, "app " + app + " is still being admitted by another "
                    + "create; try again");
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(WAIT_STEP)
                .chain(() -> admitAs(app, image, env, database, attempt + 1));
    }

    private Uni<Admission> admitNew(String app, String image, Map<String, String> env, DatabaseRequest database) {
        String mode = database.mode();
        DeployRequest request = new DeployRequest(app, image, env, List.of(), List.of(), database,
                DeletionPolicy.KEEP.word());
        UUID id = UUID.randomUUID();
        return records.insertDeploying(id, request, env, mode, DeletionPolicy.KEEP.word(), "hook")
                .chain(() -> binding.bind(id, app, database, env, mode))
                .call(bound -> pool.preparedQuery("UPDATE apps SET database_id = $2, bindings = $3::jsonb, "
                                + "database_made = $4, status = 'admitted', updated_at = now() WHERE id = $1")
                        .execute(Tuple.from(Arrays.asList(id, bound.databaseId(), records.write(bound.bindings()),
                                bound.madeHere()))))
                .onFailure(e -> !(e instanceof NameTaken)).call(() -> records.delete(id))
                .map(bound -> new Admission(id, app, bound.databaseId(), bound.env()));
    }

    /** Another container of a live app: the same database, env composed for this container's own env names. */
    private Uni<Admission> replica(App live, Map<String, String> env) {
        if (live.databaseId() == null) {
            return Uni.createFrom().item(new Admission(null, live.name(), null, null));
        }
        List<Binding> bindings = detection.detect(env);
        if (bindings.isEmpty()) {
            bindings = live.bindings();
        }
        LOG.debugf("hook: a further container of app %s, bound to database %s", live.name(), live.databaseId());
        return binding.existing(live.databaseId(), bindings, env)
                .map(bound -> new Admission(null, live.name(), bound.databaseId(), bound.env()));
    }

    /** Podman refused the create the hook admitted: the app row goes, and a database made for it is dropped. */
    public Uni<Void> abandon(UUID appId) {
        return pool.preparedQuery("DELETE FROM apps WHERE id = $1 AND container_id IS NULL "
                        + "RETURNING database_id, database_made").execute(Tuple.of(appId))
                .flatMap(rows -> {
                    Row row = rows.size() == 0 ? null : rows.iterator().next();
                    return row == null || !row.getBoolean("database_made") ? Uni.createFrom().voidItem()
                            : databases.delete(row.getUUID("database_id"), DeletionPolicy.DELETE.word());
                });
    }

    /**
     * Admissions and deploys that never got a container (the hook or the registry stopped in between) are undone
     * after ten minutes.
     */
    public Uni<Void> abandonStale() {
        return pool.query("SELECT id FROM apps WHERE container_id IS NULL AND removed_at IS NULL AND status IN "
                        + "('deploying', 'admitted') AND created_at < now() - interval '10 minutes'").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> abandon(row.getUUID("id"))
                        .onFailure().invoke(e -> LOG.warnf("could not undo the stale admission of app %s: %s",
                                row.getUUID("id"), e.getMessage()))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    /** The app a created container belongs to: {@code berth.app}, else compose project + service, else its name. */
    static String appName(Map<String, String> labels, String containerName, String image) {
        String app = labels.get(ContainerLabels.APP);
        if (app == null || app.isBlank()) {
            String project = labels.get(ContainerLabels.COMPOSE_PROJECT);
            String service = labels.get(ContainerLabels.COMPOSE_SERVICE);
            app = project != null && !project.isBlank() && service != null && !service.isBlank()
                    ? project + "-" + service : containerName;
        }
        return cleanName(app, image);
    }

    /** An app name (1–63 of a-z, 0-9, '-') from what a client gave, or, without anything, from the image. */
    static String cleanName(String name, String image) {
        String base = name;
        if (base == null || base.isBlank()) {
            String last = image == null ? "app" : image.substring(image.lastIndexOf('/') + 1);
            base = last.replaceAll("[:@].*$", "") + "-" + UUID.randomUUID().toString().substring(0, 6);
        }
        String cleaned = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+", "");
        if (cleaned.isEmpty()) {
            cleaned = "app-" + UUID.randomUUID().toString().substring(0, 6);
        }
        return cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
    }
}
