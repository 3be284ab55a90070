package dev.berth.provisioner.service;

import dev.berth.provisioner.config.ProvisionerConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Named places in a multi-step operation where a crash would leave the most to clean up. With
 * {@code berth.provisioner.faults.pause-at} naming one, the operation that reaches it stops there for good (its
 * {@code Uni} never completes; nothing blocks a thread) and the log says so, so that the fault-injection tests can
 * SIGKILL the process at exactly that step and check what its restart makes of it. Unset, every point passes at once.
 */
@ApplicationScoped
public class FaultPoints {

    private static final Logger LOG = Logger.getLogger(FaultPoints.class);

    /** The points of a create, in order. */
    public static final String CREATE_RECORDED = "create.recorded";
    public static final String CREATE_ROLE_AND_DATABASE = "create.role-and-database";
    public static final String CREATE_GRANTED = "create.granted";
    public static final String CREATE_CATALOGUED = "create.catalogued";

    @Inject
    ProvisionerConfig config;

    public Uni<Void> reach(String point) {
        if (config.faults().pauseAt().filter(point::equals).isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        LOG.warnf("fault point %s reached: stopping here (berth.provisioner.faults.pause-at)", point);
        return Uni.createFrom().nothing();
    }
}
