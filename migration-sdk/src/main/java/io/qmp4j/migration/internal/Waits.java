package io.qmp4j.migration.internal;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.migration.FailureKind;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a QEMU to reach a state: woken by the events that announce it, re-checked at least every {@code recheck}. */
final class Waits {

    private Waits() {
    }

    /** A look at the QEMU: a value once the state is reached, else empty. */
    @FunctionalInterface
    interface Probe<T> {
        Optional<T> look() throws Failure;
    }

    /**
     * @param client whose events wake the wait
     * @param events their names
     * @param timeout the longest wait
     * @param recheck the longest time between two looks
     * @param probe the look
     * @return the probe's value, or empty when the timeout passed first
     */
    static <T> Optional<T> until(QmpClient client, Set<String> events, Duration timeout, Duration recheck, Probe<T> probe)
            throws Failure {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (EventSubscription sub = client.events().subscribe(events)) {
            Next next = new Next(sub);
            while (true) {
                Optional<T> v = probe.look();
                if (v.isPresent()) {
                    return v;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                next.await(Math.min(left, recheck.toNanos()));
            }
        }
    }

    /** The pending {@code next()} of a subscription, kept across waits so that no event is taken by a wait that gave up. */
    static final class Next {
        private final EventSubscription sub;
        private CompletableFuture<QmpEvent> pending;

        Next(EventSubscription sub) {
            this.sub = sub;
        }

        /**
         * @return the next event, or empty when none came within {@code nanos} (or the session ended)
         */
        Optional<QmpEvent> await(long nanos) throws Failure {
            if (pending == null) {
                pending = sub.next();
            }
            try {
                QmpEvent e = pending.get(Math.max(1, nanos), TimeUnit.NANOSECONDS);
                pending = null;
                return Optional.of(e);
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                pending = null;
                if (sub.isClosed()) {
                    sleepOnClosed(nanos);
                }
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(FailureKind.UNEXPECTED, "interrupted while waiting", null, e);
            }
        }

        /** A closed subscription answers at once: without this a caller's loop would spin until its next look. */
        private static void sleepOnClosed(long nanos) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(20)));
        }
    }

    /** Sleeps; an interrupt ends the job's wait as a failure. */
    static void sleep(long ms) throws Failure {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(FailureKind.UNEXPECTED, "interrupted while waiting", null, e);
        }
    }
}
