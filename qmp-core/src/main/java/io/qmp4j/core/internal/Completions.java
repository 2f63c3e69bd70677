package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way of a reply to its future. A caller blocked on the future takes the reply itself
 * ({@link ReplyFuture}); the replies of one read that no blocked caller took complete in one
 * callback task, in the order QEMU sent them, rather than one task (and a callback thread woken)
 * per reply. Pipelined commands' completions of one read therefore run one after the other on
 * one callback thread; a callback there that blocks on a later one runs it itself
 * ({@link ReplyFuture}). Added to by whichever thread reads the socket ({@link ReadTurn}); flushed by
 * it, and by the event loop at the end of the session.
 */
final class Completions {

    private static final Logger log = LoggerFactory.getLogger(Completions.class);

    private final Executor executor;
    private final ArrayList<Runnable> batch = new ArrayList<>();

    Completions(Executor executor) {
        this.executor = executor;
    }

    /**
     * The reply of {@code p}, read by whichever thread holds the turn: the caller blocked on it
     * takes it, else it joins this read's batch. A command that timed out drops its late reply.
     */
    void reply(Pending p, ObjectNode reply, String logPrefix) {
        p.cancelTimeout();
        if (p.timedOut) {
            log.debug("{}dropping the late reply of {}, which timed out", logPrefix, p);
            return;
        }
        Runnable done = ReplyFuture.once(() -> p.complete(reply));
        if (!(p.future instanceof ReplyFuture rf && rf.handOff(done))) {
            add(done);
        }
    }

    private synchronized void add(Runnable completion) {
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
