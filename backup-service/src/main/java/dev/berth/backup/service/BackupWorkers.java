package dev.berth.backup.service;

import dev.berth.backup.config.BackupConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The bounded set of threads every backup, restore and verification runs on ({@code berth.backup.parallelism},
 * default 2), so 500 due schedules queue up instead of starting 500 pg_dumps. Each job id runs at most once at a
 * time, however often it is submitted.
 */
@ApplicationScoped
public class BackupWorkers {

    private static final Logger LOG = Logger.getLogger(BackupWorkers.class);

    @Inject
    BackupConfig config;

    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private ExecutorService pool;

    @PostConstruct
    void start() {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(Math.max(1, config.parallelism()), r -> {
            Thread t = new Thread(r, "backup-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a job under an id; false when that id is already queued or running. */
    public boolean submit(UUID id, Runnable job) {
        if (!inFlight.add(id)) {
            return false;
        }
        pool.execute(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "job %s failed unexpectedly", id);
            } finally {
                inFlight.remove(id);
            }
        });
        return true;
    }

    public boolean busyWith(UUID id) {
        return inFlight.contains(id);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
