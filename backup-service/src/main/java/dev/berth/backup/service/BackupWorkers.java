package dev.berth.backup.service;

import dev.berth.backup.config.BackupConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private final Map<UUID, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
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
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (inFlight.putIfAbsent(id, done) != null) {
            return false;
        }
        pool.execute(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "job %s failed unexpectedly", id);
            } finally {
                inFlight.remove(id);
                done.complete(null);
            }
        });
        return true;
    }

    public boolean busyWith(UUID id) {
        return inFlight.containsKey(id);
    }

    /**
     * Blocks the calling (worker) thread until job {@code id} is no longer queued or running, at most {@code max}:
     * lets a client wait for its backup or restore in one request instead of polling.
     */
    public void awaitIdle(UUID id, Duration max) {
        CompletableFuture<Void> done = inFlight.get(id);
        if (done == null || max.isZero() || max.isNegative()) {
            return;
        }
        try {
            done.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
            // the caller answers with the current state
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException impossible) {
            // the future only ever completes normally
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
