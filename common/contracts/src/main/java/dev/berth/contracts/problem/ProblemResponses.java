package dev.berth.contracts.problem;

import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * For REST clients between Berth services: the callee answers errors with problem documents, and they pass through
 * to the caller as they are (same type, status and detail), so "duplicate → 409" or "instance unreachable → 503"
 * reach the user unchanged. Register it with {@code @RegisterProvider(ProblemResponses.class)}.
 */
public class ProblemResponses implements ResponseExceptionMapper<ProblemException> {

    @Override
    public ProblemException toThrowable(Response response) {
        try {
            Problem problem = response.readEntity(Problem.class);
            if (problem != null && problem.type() != null) {
                return new ProblemException(problem);
            }
        } catch (RuntimeException notAProblem) {
            // fall through to a generic description
        }
        return new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE,
                "a Berth service answered HTTP " + response.getStatus());
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }
}
