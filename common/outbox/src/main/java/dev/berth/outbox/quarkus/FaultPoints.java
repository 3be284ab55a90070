package dev.berth.outbox.quarkus;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Named places in a multi-step operation where a crash would leave the most to clean up (each service names its own,
 * e.g. {@code create.granted}). With {@code berth.faults.pause-at} naming one, the operation that reaches it stops
 * there for good (its {@code Uni} never completes; nothing blocks a thread) and the log says so, so that the
 * fault-injection tests can SIGKILL the process at exactly that step and check what its restart makes of it. Test-only:
 * unset in every real run, and then every point passes at once.
 */
@ApplicationScoped
public class FaultPoints {

    private static final Logger LOG = Logger.getLogger(FaultPoints.class);

    @ConfigProperty(name = "berth.faults.pause-at")
    Optional<String> pauseAt;

    public Uni<Void> reach(String point) {
        return pausesAt(point) ? Uni.createFrom().nothing() : Uni.createFrom().voidItem();
    }

    /** The same for blocking code: the calling (worker) thread stays at the point until the process is killed. */
    public void reachBlocking(String point) {
        if (!pausesAt(point)) {
            return;
        }
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at fault point " + point, e);
        }
    }

    /** Whether work stops at {@code point}; says so in the log when it does. */
    private boolean pausesAt(String point) {
        if (pauseAt.filter(point::equals).isEmpty()) {
            return false;
        }
        LOG.warnf("fault point %s reached: stopping here (berth.faults.pause-at)", point);
        return true;
    }
}
