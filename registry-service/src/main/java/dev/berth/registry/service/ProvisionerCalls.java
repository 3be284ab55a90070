package dev.berth.registry.service;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.contracts.problem.Unreachable;
import io.smallrye.mutiny.Uni;

/**
 * A provisioner that cannot be reached, does not answer in time, or goes away while it holds the request (a crash) is
 * a 503 for the caller; its own problem answers pass through as they are; anything else stays what it is and becomes
 * a 500 with a logged id.
 */
public final class ProvisionerCalls {

    private ProvisionerCalls() {
    }

    public static <T> Uni<T> guarded(Uni<T> call) {
        return call.onFailure().transform(e -> Unreachable.closedMidway(e) && !(e instanceof ProblemException)
                ? new ProblemException(ProblemType.DEPENDENCY_UNAVAILABLE, "the provisioner service closed the "
                        + "connection before answering (did it restart?); retry")
                : Unreachable.describe(e, "provisioner"));
    }
}
