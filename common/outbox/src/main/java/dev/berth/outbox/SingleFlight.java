package dev.berth.outbox;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs one piece of work at a time: a run asked for while one is under way does not start beside it (two drains or
 * sweeps at once could overlap or reorder), it makes the running one go round again when it ends.
 */
public final class SingleFlight<T> {

    private final Supplier<Uni<T>> work;
    private final T whenBusy;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /** {@code whenBusy}: what {@link #run()} answers at once when the work is already running. */
    public SingleFlight(Supplier<Uni<T>> work, T whenBusy) {
        this.work = work;
        this.whenBusy = whenBusy;
    }

    /** Runs the work now, or — when it is running — has it run once more right after. */
    public Uni<T> run() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().item(whenBusy);
        }
        return Uni.createFrom().deferred(work::get).eventually(() -> {
            running.set(false);
            if (again.getAndSet(false)) {
                runInBackground();
            }
        });
    }

    /** {@link #run()} without waiting; failures are the work's own to report. */
    public void runInBackground() {
        run().subscribe().with(done -> { }, failure -> { });
    }
}
