package io.qmp4j.core.internal;

import java.util.ArrayList;
import java.util.concurrent.Executor;

/**
 * The completions of the replies of one read that no blocked caller took: run by one callback
 * task, in the order QEMU sent the replies, rather than one task (and a callback thread woken)
 * per reply. Pipelined commands' completions of one read therefore run one after the other on
 * one callback thread; a callback there that blocks on a later one runs it itself
 * ({@link ReplyFuture}). Added to by whichever thread reads the socket ({@link ReadTurn}); flushed by
 * it, and by the event loop at the end of the session.
 */
final class Completions {

    private final Executor executor;
    private final ArrayList<Runnable> batch = new ArrayList<>();

    Completions(Executor executor) {
        this.executor = executor;
    }

    synchronized void add(Runnable completion) {
        batch.add(completion);
    }

    /** The read is over: its completions go to the callback executor, as one task. */
    synchronized void flush() {
        int n = batch.size();
        if (n == 1) {
            Callbacks.run(executor, batch.get(0));
        } else if (n > 1) {
            Runnable[] all = batch.toArray(new Runnable[0]);
            Callbacks.run(executor, () -> {
                for (Runnable r : all) {
                    r.run();
                }
            });
        }
        batch.clear();
    }
}
