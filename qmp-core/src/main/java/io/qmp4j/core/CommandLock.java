package io.qmp4j.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps a set of commands from being executed through a client (raw or typed) until closed;
 * they fail at once with {@link QmpRefusedException}. The holder of the lock can still execute
 * them through {@link #execute}. Obtained from {@link QmpClient#lock(Set, String)}.
 *
 * @since 0.1
 */
public interface CommandLock extends AutoCloseable {

    /** @return the commands held */
    Set<String> commands();

    /**
     * Executes a command past this lock (other locks still apply).
     *
     * @param command the command
     * @param timeout the deadline, or {@code null} for the client's default
     * @param <R> the result type
     * @return the result, as {@link QmpClient#execute(QmpCommand, Duration)}
     */
    <R> CompletableFuture<R> execute(QmpCommand<R> command, Duration timeout);

    /** Releases the commands. Idempotent. */
    @Override
    void close();
}
