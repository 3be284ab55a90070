package dev.berth.registry.service;

import dev.berth.contracts.problem.Unreachable;
import io.smallrye.mutiny.Uni;

/**
 * A provisioner that cannot be reached (or does not answer in time) is a 503 for the caller; its own problem
 * answers pass through as they are; anything else stays what it is and becomes a 500 with a logged id.
 */
public final class ProvisionerCalls {

    private ProvisionerCalls() {
    }

    public static <T> Uni<T> guarded(Uni<T> call) {
        return call.onFailure().transform(e -> Unreachable.describe(e, "provisioner"));
    }
}
