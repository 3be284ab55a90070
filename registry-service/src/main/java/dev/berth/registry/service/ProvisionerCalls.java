package dev.berth.registry.service;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import io.smallrye.mutiny.Uni;

/** A provisioner that cannot be reached is a 503 for the caller, never a 500 with a stack trace. */
final class ProvisionerCalls {

    private ProvisionerCalls() {
    }

    static <T> Uni<T> guarded(Uni<T> call) {
        return call.onFailure(e -> !(e instanceof ProblemException)).transform(e -> new ProblemException(
                ProblemType.DEPENDENCY_UNAVAILABLE, "the provisioner service cannot be reached; is it running?"));
    }
}
