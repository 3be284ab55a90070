package dev.berth.provisioner.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.provisioner.kubernetes.AppSecrets;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Called by the registry: an app database's credentials as a Kubernetes Secret (for {@code envFrom: secretRef}). */
@Path("/internal/kubernetes/namespaces/{namespace}/secrets/{name}")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class InternalAppSecretResource {

    /** The env bundle to write, and the database it belongs to. */
    public record WriteRequest(UUID database, Map<String, String> data) {

        @Override
        public String toString() {
            return "WriteRequest[" + database + ", keys " + (data == null ? "none" : data.keySet()) + "]";
        }
    }

    @Inject
    AppSecrets secrets;

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Write an app's credential Secret", description = "Creates or replaces the Secret with one "
            + "key per variable; 409 when a Secret of that name exists and is not this database's, 422 when the "
            + "namespace is not configured or Kubernetes refuses.")
    public AppSecrets.Written write(@PathParam("namespace") String namespace, @PathParam("name") String name,
            WriteRequest request) {
        if (request == null || request.database() == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "database: required");
        }
        return secrets.write(namespace, name, request.database(), request.data());
    }

    @DELETE
    @Operation(summary = "Remove an app's credential Secret", description = "Only a Secret Berth wrote for this "
            + "database (409 otherwise); a missing one is not an error.")
    public void delete(@PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("database") UUID database) {
        if (database == null) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "database: required");
        }
        secrets.delete(namespace, name, database);
    }
}
