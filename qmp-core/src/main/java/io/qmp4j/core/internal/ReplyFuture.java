package io.qmp4j.core.internal;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The future of one command, with a fast path for a caller that blocks on it: the I/O thread
 * hands the reply straight to the thread waiting in {@link #get()} / {@link #join()}, which then
 * decodes it and completes the future itself, instead of going through a callback thread first
 * (one thread wake-up less per command, which is most of a sequential round trip's client cost).
 * With a {@link Waiting} ({@link ReadTurn}) the waiting thread reads the socket itself while it
 * waits, and is handed the reply by whichever thread read it: itself, or the I/O thread.
 *
 * <p>Dependent stages therefore run either on the callback executor or on the caller's own
 * thread inside {@code get()}, never on the I/O thread. Whichever path completes first wins.
 */
final class ReplyFuture extends CompletableFuture<Object> {

    /** How a thread blocked on a reply waits, other than parked: reading the socket itself ({@link ReadTurn}). */
    interface Waiting {
        /**
         * Waits once for up to {@code nanos} (0: no limit), reading the socket when there is
         * something, until {@code done} says so or {@link #wake} is called.
         *
         * @return false when this thread cannot wait this way now (it parks instead)
         */
        boolean await(Thread me, long nanos, BooleanSupplier done);

        /** Ends the wait of {@code t}, if it waits in {@link #await}. */
        void wake(Thread t);
    }

    /** null, the waiting {@link Thread}, a {@link HandOff}, or {@link Routed}. */
    private final AtomicReference<Object> state = new AtomicReference<>();
    /** null: waiting threads park. */
    private final Waiting waiting;

    ReplyFuture() {
        this(null);
    }

    ReplyFuture(Waiting waiting) {
        this.waiting = waiting;
    }

    /** The reply's completion, for the waiting thread to run (a Thread is a Runnable too: hence a type of its own). */
    private record HandOff(Runnable completion) {
    }

    /**
     * Nobody waited when the reply came: it went to the callback executor. A thread that blocks
     * on the future before that task has run it runs the completion itself (it runs once): a
     * callback that joins a command whose reply came in the same read, and so waits in the same
     * callback task, completes it instead of waiting for itself.
     */
    private record Routed(Runnable completion) {
    }

    /**
     * Called on the I/O thread with the completion of this command.
     *
     * @param completion decodes the reply and completes this future; safe to run more than once
     * @return whether a waiting thread took it (else the caller must run it elsewhere)
     */
    boolean handOff(Runnable completion) {
        while (true) {
            Object s = state.get();
            if (s instanceof Thread t) {
                if (state.compareAndSet(t, new HandOff(completion))) {
                    wake(t);
                    return true;
                }
            } else if (state.compareAndSet(s, new Routed(completion))) {
                return false;
            }
        }
    }

    /** @return a runnable that runs {@code r} the first time only */
    static Runnable once(Runnable r) {
        AtomicBoolean ran = new AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                r.run();
            }
        };
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
        if (!isDone()) {
            fastWait(0, true);
        }
        return super.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone() && fastWait(Math.max(1, unit.toNanos(timeout)), true)) {
            return super.get(0, TimeUnit.NANOSECONDS); // done, or the time is up
        }
        return super.get(timeout, unit);
    }

    @Override
    public Object join() {
        if (!isDone()) {
            try {
                fastWait(0, false);
            } catch (InterruptedException cannotHappen) {
                Thread.currentThread().interrupt();
            }
        }
        return super.join();
    }

    /**
     * Waits as the first waiting thread, taking the reply from the I/O thread and completing the
     * future here, or until another path completes it (a timeout, a disconnect), or the time is up.
     *
     * @param nanos how long, or 0 for as long as it takes
     * @param interruptible whether an interrupt ends the wait (with InterruptedException)
     * @return false when another thread has the fast path, or the reply already went the usual way
     *         and is being completed elsewhere
     */
    private boolean fastWait(long nanos, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        if (!(state.get() instanceof Routed) && ThreadExecutorMap.currentExecutor() instanceof EventLoop) {
            // Only a client built with repliesOnIoThread(true) runs callers' code here.
            throw new IllegalStateException("blocking on the reply of a command on the I/O thread, which is the thread that"
                    + " would read it: compose the futures (thenCompose) instead of waiting in a callback");
        }
        if (!state.compareAndSet(null, me)) {
            if (state.get() instanceof Routed r) {
                r.completion().run(); // the callback task has not got to it yet: run it here
                return isDone(); // false: that task is running it right now; wait as usual
            }
            return false;
        }
        whenComplete((v, e) -> wake(me));
        BooleanSupplier ready = () -> state.get() instanceof HandOff || isDone();
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        while (true) {
            if (state.get() instanceof HandOff h) {
                h.completion().run(); // caller-runs: decode and complete on this thread
                break;
            }
            if (isDone()) {
                break;
            }
            if (Thread.interrupted()) {
                interrupted = true;
                if (interruptible) {
                    break;
                }
            }
            long left = nanos == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            if (waiting != null && waiting.await(me, nanos == 0 ? 0 : left, ready)) {
                continue; // it read, or was woken, or the time is up: look again
            }
            if (nanos == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, left);
            }
        }
        // Give the fast path up; if the reply arrives right now, it is still ours to run.
        if (!state.compareAndSet(me, null) && state.get() instanceof HandOff h && !isDone()) {
            h.completion().run();
        }
        if (interrupted) {
            if (interruptible && !isDone()) {
                throw new InterruptedException();
            }
            me.interrupt();
        }
        return true;
    }

    /** Wakes {@code t} from its wait; not the thread that runs this (it is not waiting: it looks again by itself). */
    private void wake(Thread t) {
        if (t == Thread.currentThread()) {
            return; // a caller that read its own reply: waking its selector would cost a wake-up write, a select and a read
        }
        LockSupport.unpark(t);
        if (waiting != null) {
            waiting.wake(t);
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>(); // stages derived from a reply are plain futures
    }
}
