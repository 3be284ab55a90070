package dev.berth.contracts.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * The one exception → HTTP mapping of every service: {@link ProblemException}s as they are, JAX-RS errors with
 * their status, anything else as a 500 whose detail says nothing about the internals (logged here instead).
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @Override
    public Response toResponse(Throwable error) {
        Problem problem;
        if (error instanceof ProblemException p) {
            problem = p.problem();
        } else if (error instanceof WebApplicationException web && web.getResponse().getEntity() instanceof Problem) {
            // Already a problem document, perhaps with headers of its own (Retry-After): as it is.
            return web.getResponse();
        } else if (error instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            ProblemType type = status == 404 ? ProblemType.NOT_FOUND
                    : status == 409 ? ProblemType.CONFLICT
                    : status >= 500 ? ProblemType.INTERNAL : ProblemType.INVALID_REQUEST;
            problem = new Problem(Problem.of(type, null).type(), type.title(), status, web.getMessage(), null);
        } else {
            LOG.error("unhandled error", error);
            problem = Problem.of(ProblemType.INTERNAL, "the error was logged; try again or check the service log");
        }
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
