package dev.berth.provisioner.service;

import dev.berth.provisioner.engine.ScramVerifier;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * New passwords with their SCRAM-SHA-256 verifiers, made ahead on a worker thread: the verifier's PBKDF2 rounds
 * (~3 ms here) are then off the request path. A few are kept in memory only (never stored, never logged); when none
 * is ready, one is made on the spot.
 */
@ApplicationScoped
public class PreparedPasswords {

    private static final int AHEAD = 8;

    /** A password and the verifier PostgreSQL stores for it. */
    public record Prepared(String password, String verifier) {

        @Override
        public String toString() {
            return "Prepared[redacted]";
        }
    }

    private final BlockingQueue<Prepared> ready = new ArrayBlockingQueue<>(AHEAD);
    private final AtomicBoolean filling = new AtomicBoolean();

    void onStart(@Observes StartupEvent start) {
        refill();
    }

    /** A fresh password: a prepared one at once, else one made on a worker thread (never on the event loop). */
    public Uni<Prepared> nextAsync() {
        Prepared prepared = ready.poll();
        refill();
        return prepared != null ? Uni.createFrom().item(prepared)
                : Uni.createFrom().item(PreparedPasswords::make)
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** A fresh password; made now (blocking, ~3 ms) when none is prepared. */
    public Prepared next() {
        Prepared prepared = ready.poll();
        refill();
        return prepared != null ? prepared : make();
    }

    private void refill() {
        if (!filling.compareAndSet(false, true)) {
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                while (ready.remainingCapacity() > 0) {
                    ready.offer(make());
                }
            } finally {
                filling.set(false);
            }
        });
    }

    private static Prepared make() {
        String password = Passwords.generate();
        return new Prepared(password, ScramVerifier.of(password));
    }
}
