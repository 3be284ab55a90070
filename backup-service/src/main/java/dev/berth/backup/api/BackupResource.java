package dev.berth.backup.api;

import dev.berth.backup.domain.Backup;
import dev.berth.backup.domain.BackupReason;
import dev.berth.backup.service.BackupCatalog;
import dev.berth.backup.service.BackupService;
import dev.berth.backup.service.BackupWorkers;
import dev.berth.backup.storage.BackupFiles;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** A database's backups: take one, list, download (with ranges), verify, delete. */
@Path("/api/databases/{databaseId}/backups")
@Produces(MediaType.APPLICATION_JSON)
// Worker threads: these calls wait for the database, files, processes or the Podman socket.
@Blocking
public class BackupResource {

    @Inject
    BackupService service;

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupFiles files;

    @Inject
    BackupWorkers workers;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Take a backup now",
            description = "?reason=manual (default) or pre-delete. 202 with the queued backup; poll it (or the list) until it is completed or failed. "
                    + "404 when Berth does not know the database, 422 when pg_dump is older than the server.")
    public Response take(@PathParam("databaseId") String databaseId,
            @QueryParam("reason") @DefaultValue("manual") String reason) {
        BackupReason parsed = BackupReason.of(reason).filter(r -> r == BackupReason.MANUAL || r == BackupReason.PRE_DELETE)
                .orElseThrow(() -> new ProblemException(ProblemType.INVALID_REQUEST, "reason must be manual or "
                        + "pre-delete, not '" + reason + "'"));
        Backup queued = service.request(databaseId, parsed);
        return Response.accepted(BackupView.of(queued))
                .location(URI.create("/api/databases/" + databaseId + "/backups/" + queued.id())).build();
    }

    @GET
    @Operation(summary = "The database's backups, newest first")
    public List<BackupView> list(@PathParam("databaseId") String databaseId) {
        return catalog.list(databaseId).stream().map(BackupView::of).toList();
    }

    @GET
    @Path("/{backupId}")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    @Operation(summary = "Download the backup (pg_restore-ready custom-format dump), or its record",
            description = "Streams the dump with Content-Length, Content-Disposition and single-range Range support; "
                    + "an encrypted backup is decrypted on the way. Send Accept: application/json for the record; "
                    + "?waitSeconds=N (at most 600) first waits for a queued or running backup to finish.")
    public Response get(@PathParam("databaseId") String databaseId, @PathParam("backupId") UUID backupId,
            @HeaderParam(HttpHeaders.ACCEPT) String accept, @HeaderParam("Range") String range,
            @QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds) {
        workers.awaitIdle(backupId, Waits.bounded(waitSeconds));
        Backup backup = catalog.require(databaseId, backupId);
        if (wantsJson(accept)) {
            return Response.ok(BackupView.of(backup), MediaType.APPLICATION_JSON).build();
        }
        if (!backup.completed()) {
            throw new ProblemException(ProblemType.CONFLICT, "backup " + backupId + " is " + backup.status().value()
                    + "; there is no file to download yet");
        }
        long size = backup.sizeBytes();
        Optional<ByteRange> part;
        try {
            part = ByteRange.parse(range, size);
        } catch (ByteRange.Unsatisfiable e) {
            return Response.status(416).header("Content-Range", "bytes */" + size).build();
        }
        long offset = part.map(ByteRange::first).orElse(0L);
        long length = part.map(ByteRange::length).orElse(size);
        StreamingOutput body = out -> {
            try (InputStream in = files.open(backup.storageKey(), backup.id().toString(), backup.encrypted(), offset)) {
                copy(in, out, length);
            }
        };
        Response.ResponseBuilder response = Response.status(part.isPresent() ? 206 : 200).entity(body)
                .type(MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_LENGTH, length)
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", "attachment; filename=\"" + BackupView.fileName(backup) + "\"")
                .header("Digest", "sha-256=" + backup.sha256());
        part.ifPresent(r -> response.header("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + size));
        return response.build();
    }

    @POST
    @Path("/{backupId}/verify")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Prove the backup restorable: restore it into a scratch database and compare",
            description = "202; the result appears in the backup's verification.")
    public Response verify(@PathParam("databaseId") String databaseId, @PathParam("backupId") UUID backupId) {
        return Response.accepted(BackupView.of(service.verify(databaseId, backupId))).build();
    }

    @DELETE
    @Path("/{backupId}")
    @Operation(summary = "Delete a finished backup and its file")
    public Response delete(@PathParam("databaseId") String databaseId, @PathParam("backupId") UUID backupId)
            throws IOException {
        service.delete(databaseId, backupId);
        return Response.noContent().build();
    }

    private static boolean wantsJson(String accept) {
        return accept != null && accept.contains(MediaType.APPLICATION_JSON)
                && !accept.contains(MediaType.APPLICATION_OCTET_STREAM);
    }

    private static void copy(InputStream in, java.io.OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the stored backup ended early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }
}
