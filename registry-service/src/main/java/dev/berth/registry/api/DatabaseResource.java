package dev.berth.registry.api;

import dev.berth.contracts.catalog.DatabaseCreateRequest;
import dev.berth.contracts.catalog.DeletionPolicy;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.client.ProvisionerClient;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.domain.AppDatabase;
import dev.berth.registry.domain.AppDatabase.Status;
import dev.berth.registry.repository.AppDatabaseRepository;
import dev.berth.registry.service.CredentialHandOver;
import dev.berth.registry.service.DatabaseService;
import dev.berth.registry.service.DatabaseSamples;
import dev.berth.registry.service.Detection;
import dev.berth.registry.service.InstanceCatalog;
import dev.berth.registry.service.KubernetesSecrets;
import dev.berth.registry.service.Orphans;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** App databases: create (credentials returned once), list, read, reveal (audited), rotate, delete. */
@Path("/api/databases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DatabaseResource {

    public record RotateRequest(String mode, Boolean terminateSessions, Long graceSeconds) {
    }

    /** What may change on an existing database. */
    public record ChangeRequest(Boolean pooled) {
    }

    @Inject
    DatabaseService service;

    @Inject
    AppDatabaseRepository databases;

    @Inject
    InstanceCatalog instances;

    @Inject
    RegistryConfig config;

    @Inject
    Pool pool;

    @Inject
    @RestClient
    ProvisionerClient provisioner;

    @POST
    @Operation(summary = "Create a database and role for an app",
            description = "201 with the credentials and connection strings; they are shown only here. An "
                    + "Idempotency-Key header makes a retry return the same database.")
    public Uni<Response> create(DatabaseCreateRequest request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (request == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "a JSON body with at least \"app\" is required");
        }
        return service.create(new DatabaseService.CreateCommand(request.app(), request.instance(),
                        request.environment(), request.connectionLimit(), request.sslmode(), request.warmPool(),
                        request.pooled(), idempotencyKey))
                .map(created -> Response.created(URI.create("/api/databases/" + created.database().id()))
                        .entity(DatabaseView.withSecrets(created.database(), created.login(), connectHost(),
                                config.pooler().port()))
                        .build());
    }

    @GET
    @Operation(summary = "List databases", description = "Filter by app, instance (id or name) and status; paginated.")
    public Uni<PageView<DatabaseView>> list(@QueryParam("app") String app, @QueryParam("instance") String instance,
            @QueryParam("status") String status, @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        Paging paging = Paging.of(page, size, config.page());
        Status parsed;
        try {
            parsed = status == null ? null : Status.of(status);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "status must be pending, ready, deleting or detached");
        }
        Uni<UUID> instanceId = instance == null ? Uni.createFrom().nullItem() : instances.resolve(instance);
        return instanceId.flatMap(id -> {
            AppDatabaseRepository.Filter filter = new AppDatabaseRepository.Filter(app, id, parsed);
            return databases.count(filter).flatMap(total -> databases.page(filter, paging.index(), paging.size())
                    .flatMap(list -> samples.latest(list.stream().map(AppDatabase::id).toList())
                            .map(latest -> new PageView<>(list.stream().map(d -> DatabaseView.of(d)
                                    .withLatest(latest.get(d.id()))).toList(), paging.index(), paging.size(),
                                    total))));
        });
    }

    @Inject
    Detection detection;

    @Inject
    CredentialHandOver handOvers;

    @Inject
    SecurityIdentity identity;

    @Inject
    KubernetesSecrets secrets;

    @Inject
    Orphans orphans;

    @Inject
    DatabaseSamples samples;

    @GET
    @Path("/detect")
    @Operation(summary = "Preview what a deploy with this env would do",
            description = "env=NAME=value, repeated (a value may be empty: DATABASE_URL=). Says whether a database is "
                    + "needed, which variables get which format, and which variables Berth would add.")
    public Detection.Preview detect(@QueryParam("env") List<String> env) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String entry : env == null ? List.<String>of() : env) {
            int eq = entry.indexOf('=');
            parsed.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        return detection.preview(parsed);
    }

    @GET
    @Path("/orphans")
    @Operation(summary = "Databases whose app container is gone (quarantined: login disabled)")
    public Uni<List<Orphans.Orphan>> orphans() {
        return orphans.list();
    }

    @POST
    @Path("/{id}/reattach")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Take an orphan back: login allowed again; the next deploy of its app binds it")
    public Uni<DatabaseView> reattach(@PathParam("id") UUID id) {
        return orphans.reattach(id).chain(() -> service.get(id)).map(DatabaseView::of);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One database with live size, connections and last activity")
    public Uni<DatabaseView> get(@PathParam("id") UUID id) {
        return service.get(id).flatMap(db -> {
            DatabaseView view = DatabaseView.of(db);
            if (db.status() == Status.PENDING) {
                return Uni.createFrom().item(view);
            }
            return provisioner.stats(id).map(stats -> view.withStats(stats, null))
                    .onFailure().recoverWithItem(e -> view.withStats(null, "live statistics are unavailable: "
                            + e.getMessage()));
        });
    }

    @GET
    @Path("/{id}/credentials")
    @Operation(summary = "Reveal the credentials (audited)", description = "The audit names the verified caller of the "
            + "internal token: the person the gateway signed it for, or the service.")
    public Uni<DatabaseView> credentials(@PathParam("id") UUID id) {
        // From the verified token only: a header a client can set would let anyone name someone else.
        String actor = identity.getPrincipal().getName();
        return service.withLogin(id)
                .call(found -> pool.preparedQuery("INSERT INTO audit_events (actor, action, subject) VALUES ($1, "
                                + "'credentials.revealed', $2)")
                        .execute(Tuple.of(actor, id.toString())))
                .map(found -> DatabaseView.withSecrets(found.database(), found.login(), connectHost(),
                        config.pooler().port()));
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Switch PgBouncer on or off for a database",
            description = "{\"pooled\": true} puts PgBouncer's port in the database's connection strings (the JDBC "
                    + "URL gets prepareThreshold=0), false takes it out; the role, password and data stay. Apps "
                    + "deployed through Berth that are bound to it are recreated with the new strings (handedTo / "
                    + "notHandedTo); others read them at GET …/credentials. 422 where there is no PgBouncer for "
                    + "the database's instance; 409 while it is not ready.")
    public Uni<DatabaseView> change(@PathParam("id") UUID id, ChangeRequest request) {
        if (request == null || request.pooled() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST,
                    "a JSON body {\"pooled\": true} or {\"pooled\": false} is required");
        }
        return service.setPooled(id, request.pooled()).flatMap(switched -> {
            DatabaseView view = DatabaseView.of(switched.database());
            if (!switched.changed()) {
                return Uni.createFrom().item(view);
            }
            return handOvers.handOver(switched.database(), switched.login()).map(view::withHandOver);
        });
    }

    @POST
    @Path("/{id}/rotate-credentials")
    @Operation(summary = "Rotate the password", description = "mode immediate (default) or zero-downtime "
            + "(a second login works alongside the old one for graceSeconds). Apps deployed through Berth that are "
            + "bound to the database are recreated with the new credentials (handedTo / notHandedTo).")
    public Uni<DatabaseView> rotate(@PathParam("id") UUID id, RotateRequest request) {
        RotateRequest r = request == null ? new RotateRequest(null, null, null) : request;
        return service.rotate(id, r.mode(), r.terminateSessions(), r.graceSeconds())
                .flatMap(found -> handOvers.handOver(found.database(), found.login())
                        .map(handOver -> DatabaseView.withSecrets(found.database(), found.login(), connectHost(),
                                config.pooler().port())
                                .withHandOver(handOver)));
    }

    /** Where an app's credential Secret goes: its Kubernetes namespace. */
    public record SecretTarget(String namespace) {
    }

    @PUT
    @Path("/{id}/kubernetes-secret")
    @Operation(summary = "Keep the credentials in a Kubernetes Secret (audited)", description = "Writes a Secret named "
            + "after the app (orders, or orders-staging outside production) into the namespace, with one key per "
            + "variable of the env bundle (DATABASE_URL, JDBC_DATABASE_URL, PGPASSWORD, …) for envFrom: secretRef. "
            + "Rewritten when the credentials rotate or pooling is switched, removed with the database. Answers "
            + "where it is and its keys, never the values. 422 when the provisioner may not write Secrets in that "
            + "namespace (berth.kubernetes.app-namespaces), 409 when a Secret of that name is not Berth's.")
    public Uni<KubernetesSecrets.Placed> writeSecret(@PathParam("id") UUID id, SecretTarget target) {
        return secrets.write(id, target == null ? null : target.namespace(), identity.getPrincipal().getName());
    }

    @GET
    @Path("/{id}/kubernetes-secret")
    @Operation(summary = "Where the credentials' Kubernetes Secret is", description = "404 when there is none.")
    public Uni<KubernetesSecrets.Placed> secret(@PathParam("id") UUID id) {
        return service.get(id).flatMap(db -> secrets.placed(id)).map(placed -> placed.orElseThrow(
                () -> new ProblemException(ProblemType.NOT_FOUND, "database " + id + " has no Kubernetes Secret")));
    }

    @DELETE
    @Path("/{id}/kubernetes-secret")
    @Operation(summary = "Remove the credentials' Kubernetes Secret")
    public Uni<Response> deleteSecret(@PathParam("id") UUID id) {
        return service.get(id).flatMap(db -> secrets.remove(id)).map(v -> Response.noContent().build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete (policy=delete, default), detach (keep) or back up then delete a database",
            description = "backup-then-delete answers 202: the database is dropped only after its pre-delete backup "
                    + "completed; if that backup fails it stays, with the reason in deletionError.")
    public Uni<Response> delete(@PathParam("id") UUID id, @QueryParam("policy") String policy) {
        String chosen = policy == null ? DeletionPolicy.DELETE.word() : policy;
        return service.delete(id, chosen).map(v -> DeletionPolicy.BACKUP_THEN_DELETE.word().equals(chosen)
                ? Response.accepted().build() : Response.noContent().build());
    }

    private String connectHost() {
        return config.databases().connectHost().orElse(null);
    }
}
