package dev.berth.backup.api;

import dev.berth.backup.service.DumpImports;
import dev.berth.backup.service.RestoreJob;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Uploading a pg_dump file to restore it (a common request to peers: "import backup"). */
@Path("/api/databases/{databaseId}/imports")
@Produces(MediaType.APPLICATION_JSON)
// Worker thread: the upload is read as it arrives and written to storage.
@Blocking
public class ImportResource {

    /** The stored dump and the restore job that follows it. */
    public record ImportView(BackupView backup, RestoreJob restore) {
    }

    @Inject
    DumpImports imports;

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Import a pg_dump custom-format file and restore it",
            description = "The body is the file (application/octet-stream; up to berth.http.max-upload-size). It is "
                    + "stored with its sha256 as a backup with reason import and checked with pg_restore -l before "
                    + "anything is touched; 422 when it is not a custom-format dump. Then it is restored like any "
                    + "backup: ?target=new (default, a new database for the same app) or in-place (a pre-restore "
                    + "backup first, rolled back to on failure). 202 with the backup and the restore job; follow the "
                    + "job at /api/restores/{id} or on the event stream.")
    public Response upload(@PathParam("databaseId") String databaseId,
            @QueryParam("target") @DefaultValue("new") String target,
            @QueryParam("environment") String environment, InputStream body) {
        DumpImports.Imported imported = imports.accept(databaseId, body, target, environment);
        return Response.accepted(new ImportView(BackupView.of(imported.backup()), imported.restore()))
                .location(URI.create("/api/restores/" + imported.restore().id())).build();
    }
}
