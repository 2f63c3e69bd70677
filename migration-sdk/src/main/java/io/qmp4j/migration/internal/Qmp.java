package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.CommandLock;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.QmpStateException;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.schema.QmpSchema;
import io.qmp4j.migration.FailureKind;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two QEMUs of a job, and one way to run a command on either: under the job's lock (when it
 * holds one), within the step timeout, with every failure turned into a {@link Failure} that
 * says which QEMU and what kind.
 */
final class Qmp {

    private volatile QmpClient src;
    private volatile QmpClient dst;
    private final Duration step;
    private volatile CommandLock srcLock;
    private volatile CommandLock dstLock;

    /**
     * @param dst may be null: a job attached with only its source
     */
    Qmp(QmpClient src, QmpClient dst, Duration step) {
        this.src = src;
        this.dst = dst;
        this.step = step;
    }

    void locks(CommandLock source, CommandLock destination) {
        this.srcLock = source;
        this.dstLock = destination;
    }

    /** A new connection to the same monitor took the place of a lost one (see {@link Reconnector}). */
    void replace(Side side, QmpClient client, CommandLock lock) {
        if (side == Side.SOURCE) {
            src = client;
            srcLock = lock;
        } else {
            dst = client;
            dstLock = lock;
        }
    }

    QmpClient client(Side side) {
        return side == Side.SOURCE ? src : dst;
    }

    boolean has(Side side) {
        return client(side) != null;
    }

    /** @return whether that QEMU's monitor is connected */
    boolean alive(Side side) {
        QmpClient c = client(side);
        return c != null && c.state() == QmpState.RUNNING;
    }

    Duration step() {
        return step;
    }

    /**
     * @return whether that QEMU's schema has the command; {@code fallback} when the schema could
     *         not be read within the step timeout
     */
    boolean hasCommand(Side side, String command, boolean fallback) {
        return schema(side).map(s -> s.hasCommand(command)).orElse(fallback);
    }

    /** @return whether that QEMU's command takes the argument; {@code fallback} when the schema could not be read */
    boolean takesArgument(Side side, String command, String argument, boolean fallback) {
        return schema(side).map(s -> s.commandTakesArgument(command, argument)).orElse(fallback);
    }

    /** @return that QEMU's schema, empty when it could not be read within the step timeout */
    Optional<QmpSchema> schema(Side side) {
        try {
            return Optional.of(client(side).schema().get(step.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            return Optional.empty();
        }
    }

    /**
     * @return the side's {@code query-migrate} status; {@link MigrationStatus#NONE} when it
     *         reports none (before any migration QEMU leaves the member out)
     */
    MigrationStatus migrationStatus(Side side) throws Failure {
        return statusOf(call(side, new QueryMigrate()));
    }

    /** @return the status of a {@code query-migrate} reply, {@link MigrationStatus#NONE} when absent */
    static MigrationStatus statusOf(MigrationInfo info) {
        return info.status() == null ? MigrationStatus.NONE : info.status();
    }

    /** @return the side's run state ({@code query-status}) */
    RunState runState(Side side) throws Failure {
        return call(side, new QueryStatus()).status();
    }

    <R> R call(Side side, QmpCommand<R> command) throws Failure {
        QmpClient c = client(side);
        if (c == null) {
            throw new Failure(Failure.gone(side), "the " + side.label() + " QEMU is not known to this job");
        }
        CommandLock l = side == Side.SOURCE ? srcLock : dstLock;
        CompletableFuture<R> f = l != null ? l.execute(command, step) : c.execute(command, step);
        try {
            return f.get(step.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(side, command.commandName(), e.getCause());
        } catch (TimeoutException e) {
            throw new Failure(FailureKind.COMMAND_FAILED, command.commandName() + " on the " + side.label()
                    + " did not answer within " + step, "QmpTimeoutException", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(FailureKind.UNEXPECTED, "interrupted during " + command.commandName(), null, e);
        }
    }

    JsonNode raw(Side side, String name, ObjectNode args) throws Failure {
        return call(side, QmpCommand.raw(name, args));
    }

    private Failure failure(Side side, String command, Throwable cause) {
        QmpClient c = client(side);
        if (cause instanceof QmpDisconnectedException || (cause instanceof QmpStateException && c.state() != QmpState.RUNNING)) {
            return new Failure(Failure.gone(side), "the " + side.label() + " QEMU went away (its monitor " + c.endpoint()
                    + " closed) during " + command + ": " + cause.getMessage(), null, cause);
        }
        if (cause instanceof QmpCommandException q) {
            return new Failure(FailureKind.COMMAND_FAILED, command + " on the " + side.label() + ": " + q.description(),
                    q.errorClass().name(), cause);
        }
        String msg = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new Failure(FailureKind.COMMAND_FAILED, command + " on the " + side.label() + ": " + msg,
                cause.getClass().getSimpleName(), cause);
    }
}
