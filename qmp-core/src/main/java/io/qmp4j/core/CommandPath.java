package io.qmp4j.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileDescriptor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A step of a client's command path, which runs one way: {@link CommandLocks} → {@link SchemaGate}
 * → the session's correlator → the wire. Each step checks a call and hands it to the next one,
 * or fails it; none calls back up.
 */
interface CommandPath {

    /**
     * @param call the command, checked by the steps before this one
     * @param <R> the result type
     * @return the result
     */
    <R> CompletableFuture<R> send(Call<R> call);

    /**
     * One command on its way to the wire.
     *
     * @param command the command
     * @param args its arguments, encoded once at the start of the path; {@code null} for none
     * @param timeout its deadline, or {@code null} for the client's default
     * @param fds descriptors to pass with it, or {@code null}
     * @param exempt the lock it is executed through, which does not refuse it; or {@code null}
     * @param <R> the result type
     */
    record Call<R>(QmpCommand<R> command, ObjectNode args, Duration timeout, FileDescriptor[] fds, CommandLock exempt) {

        /** @return the same call with another deadline */
        Call<R> withTimeout(Duration t) {
            return new Call<>(command, args, t, fds, exempt);
        }
    }
}
