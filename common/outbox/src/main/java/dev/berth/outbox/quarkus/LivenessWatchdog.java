package dev.berth.outbox.quarkus;

import io.quarkus.runtime.Quarkus;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Does for {@code ./berth up} and systemd what a Kubernetes liveness probe does: a service whose liveness has been
 * DOWN for {@code berth.liveness.exit-after} (default 60 s) exits with status 3, and its supervisor starts it again.
 * The case it is for: a Kafka consumer that failed for good while Kafka was away (SmallRye Messaging closes it and
 * does not recover) leaves the service running but deaf to events; a restart resumes from the committed offsets. Off
 * with {@code 0s} (the in-JVM tests, where an exit would end the test run).
 */
@ApplicationScoped
public class LivenessWatchdog {

    private static final Logger LOG = Logger.getLogger(LivenessWatchdog.class);
    static final int EXIT_STATUS = 3;

    @Inject
    SmallRyeHealthReporter health;

    @ConfigProperty(name = "berth.liveness.exit-after", defaultValue = "60s")
    Duration exitAfter;

    private volatile long downSince;

    @Scheduled(every = "5s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> check() {
        if (exitAfter.isZero()) {
            return Uni.createFrom().voidItem();
        }
        return health.getLivenessAsync().invoke(report -> {
            long now = System.nanoTime();
            if (!report.isDown()) {
                if (downSince != 0) {
                    LOG.infof("liveness is UP again");
                }
                downSince = 0;
                return;
            }
            if (downSince == 0) {
                downSince = now;
                LOG.warnf("liveness is DOWN: %s; exiting for a restart if it stays so for %s", report.getPayload(),
                        exitAfter);
            } else if (now - downSince >= exitAfter.toNanos()) {
                LOG.errorf("liveness has been DOWN for %s (%s): exiting with status %d so that the supervisor starts "
                        + "this service again", exitAfter, report.getPayload(), EXIT_STATUS);
                Quarkus.asyncExit(EXIT_STATUS);
            }
        }).replaceWithVoid();
    }
}
