package dev.berth.contracts.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one exception → HTTP mapping of every service: {@link ProblemException}s as they are, JAX-RS errors with
 * their status, unreadable JSON bodies by field and type ({@link JsonProblems}), anything else as a 500 whose detail
 * says nothing about the internals but gives a short id under which the cause is logged here.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Override
    public Response toResponse(Throwable error) {
        Problem problem;
        if (error instanceof ProblemException p) {
            problem = p.problem();
        } else if (jsonCause(error) instanceof JsonProcessingException json) {
            // Quarkus REST wraps some unreadable bodies in a plain 400: say what was wrong instead.
            problem = JsonProblems.of(json);
        } else if (error instanceof WebApplicationException web && web.getResponse().getEntity() instanceof Problem) {
            // Already a problem document, perhaps with headers of its own (Retry-After): as it is.
            return web.getResponse();
        } else if (error instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            ProblemType type = status == 404 ? ProblemType.NOT_FOUND
                    : status == 409 ? ProblemType.CONFLICT
                    : status >= 500 ? ProblemType.INTERNAL : ProblemType.INVALID_REQUEST;
            problem = new Problem(Problem.of(type, null).type(), type.title(), status, web.getMessage(), null);
        } else if (unstorableText(error)) {
            // A NUL byte (or a character the database's encoding lacks) in a name or filter: the caller's input.
            problem = Problem.of(ProblemType.INVALID_REQUEST, "the request holds text that cannot be stored or "
                    + "searched for (a NUL byte, or a character outside UTF-8); remove it and try again");
        } else {
            // A bug or a failure nobody mapped: the caller gets an id to quote, the log has the cause under it.
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.errorf(error, "unhandled error %s", id);
            problem = Problem.of(ProblemType.INTERNAL, "an unexpected error, logged as " + id + " in the service's "
                    + "log; try again, and report it with that id if it persists");
        }
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /**
     * PostgreSQL refused a value as text (SQLSTATE 22021 invalid byte sequence, 22P05 untranslatable character), from
     * the reactive client directly or through Hibernate Reactive (a {@link java.sql.SQLException} under its own).
     */
    private static boolean unstorableText(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String state = t instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
            if (SqlStates.is(t, SqlStates.INVALID_BYTE_SEQUENCE) || SqlStates.is(t, SqlStates.UNTRANSLATABLE_CHARACTER)
                    || SqlStates.INVALID_BYTE_SEQUENCE.equals(state) || SqlStates.UNTRANSLATABLE_CHARACTER.equals(state)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable jsonCause(Throwable error) {
        return error instanceof WebApplicationException web && web.getResponse().getStatus() == 400
                && web.getCause() instanceof JsonProcessingException json ? json : null;
    }
}
