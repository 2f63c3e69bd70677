package io.qmp4j.core.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Runs user-visible completions on the callback executor, never on the I/O thread. */
final class Callbacks {

    private Callbacks() {
    }

    /** Runs {@code task} on {@code executor}; inline if the executor was shut down, so that no caller hangs. */
    static void run(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
