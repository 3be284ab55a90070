package dev.berth.registry.client;

import dev.berth.contracts.problem.Problem;
import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * The provisioner answers errors with problem documents; they pass through to the caller as they are (same type,
 * status and detail), so "duplicate → 409" or "instance unreachable → 503" reach the user unchanged.
 */
public class ProvisionerErrors implements ResponseExceptionMapper<ProblemException> {

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
                "the provisioner answered HTTP " + response.getStatus());
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }
}
