package io.qmp4j.core;

import io.netty.util.Timeout;
import io.qmp4j.core.internal.QmpSession;
import io.qmp4j.core.schema.QmpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The schema step of the command path: a typed command whose name or arguments the connected
 * QEMU does not have fails with {@link QmpUnsupportedException} before it is sent. The schema
 * is fetched on first use (down the path, as any command) and cached in the
 * {@link QmpResources} by QEMU build. Raw commands, and all commands when the check is off,
 * pass unchecked.
 */
final class SchemaGate implements CommandPath {

    private final CommandPath next;
    private final QmpSession session;
    private final QmpResources resources;
    private final boolean enabled;
    private final Duration defaultTimeout;
    private CompletableFuture<QmpSchema> schema; // guarded by this, fetched on first use

    SchemaGate(CommandPath next, QmpSession session, QmpResources resources, boolean enabled, Duration defaultTimeout) {
        this.next = next;
        this.session = session;
        this.resources = resources;
        this.enabled = enabled;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public <R> CompletableFuture<R> send(Call<R> call) {
        if (!enabled || call.command() instanceof QmpCommand.Raw || session.state() != QmpState.RUNNING) {
            return next.send(call);
        }
        CompletableFuture<QmpSchema> s = schema();
        if (s.isDone() && !s.isCompletedExceptionally()) {
            return checkAndSend(s.join(), call);
        }
        // First typed command of the session: wait for the schema within the command's own
        // deadline, then check and send with what is left of it.
        Duration t = call.timeout() == null ? defaultTimeout : call.timeout();
        String name = call.command().commandName();
        CompletableFuture<R> result = new CompletableFuture<>();
        Timeout guard = t.isZero() ? null : resources.timer().newTimeout(
                x -> resources.callbackExecutor().execute(() -> result.completeExceptionally(
                        new QmpTimeoutException("'" + name + "' (waiting for the schema)", t))),
                t.toNanos(), TimeUnit.NANOSECONDS);
        awaitSchema(s, call.withTimeout(t), System.nanoTime(), result, guard, true);
        return result;
    }

    private <R> void awaitSchema(CompletableFuture<QmpSchema> s, Call<R> call, long start, CompletableFuture<R> result,
                                 Timeout guard, boolean retry) {
        s.whenComplete((fetched, err) -> {
            if (result.isDone()) {
                return;
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof QmpTimeoutException && retry) {
                // The fetch timed out with the default deadline; this command may have time left.
                awaitSchema(schema(), call, start, result, guard, false);
                return;
            }
            Throwable fatal = fatal(cause, call.command().commandName(), call.timeout());
            if (fatal != null) {
                result.completeExceptionally(fatal);
                return;
            }
            // Any other failure (a QEMU without the schema command, a reply we cannot read):
            // send unchecked; the command reports its own failure.
            Duration t = call.timeout();
            Duration left = t.isZero() ? t : t.minusNanos(System.nanoTime() - start);
            if (!t.isZero() && (left.isNegative() || left.isZero())) {
                left = Duration.ofMillis(1);
            }
            checkAndSend(cause == null ? fetched : null, call.withTimeout(left)).whenComplete((r, e) -> {
                if (guard != null) {
                    guard.cancel();
                }
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            });
        });
    }

    /** @return how the command fails when fetching its schema failed so, or {@code null} when it is to be sent unchecked */
    private Throwable fatal(Throwable cause, String name, Duration t) {
        if (cause instanceof QmpStateException && session.state() != QmpState.RUNNING) {
            // The session ended between the fetch's steps: say so, as for any command in flight.
            return new QmpDisconnectedException("the session ended before '" + name + "' could be sent", cause);
        }
        if (cause instanceof QmpDisconnectedException || cause instanceof QmpStateException) {
            return cause; // the session cannot answer: the command would fail the same way
        }
        if (cause instanceof QmpTimeoutException) {
            return new QmpTimeoutException("'" + name + "' (waiting for the schema)", t);
        }
        return null;
    }

    private <R> CompletableFuture<R> checkAndSend(QmpSchema s, Call<R> call) {
        if (s != null) {
            List<String> problems = s.check(call.command().commandName(), call.args());
            if (!problems.isEmpty()) {
                return CompletableFuture.failedFuture(new QmpUnsupportedException(call.command().commandName(),
                        session.greeting().version(), problems));
            }
        }
        return next.send(call);
    }

    /** @return the connected QEMU's schema, fetched once per session (and once per QEMU build across sessions) */
    synchronized CompletableFuture<QmpSchema> schema() {
        if (schema == null || schema.isCompletedExceptionally()) {
            schema = fetch();
        }
        return schema;
    }

    private QmpSchema remember(String key, QmpSchema schema) {
        QmpSchema prior = resources.schemaCache().putIfAbsent(key, schema);
        return prior != null ? prior : schema;
    }

    private CompletableFuture<QmpSchema> fetch() {
        Greeting g = session.greeting();
        if (g == null || session.state() != QmpState.RUNNING) {
            return CompletableFuture.failedFuture(new QmpStateException("fetching the schema", session.state(), QmpState.RUNNING));
        }
        return next.send(new Call<>(QmpCommand.raw("query-target", null), null, null, null, null)).thenCompose(target -> {
            String key = g.version().qemu() + "|" + g.version().packageName() + "|" + target.path("arch").asText();
            QmpSchema cached = resources.schemaCache().get(key);
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
            Optional<QmpSchema> kept = resources.schemaStore().flatMap(s -> s.load(key));
            if (kept.isPresent()) {
                return CompletableFuture.completedFuture(remember(key, kept.get()));
            }
            return next.send(new Call<>(QmpCommand.raw("query-qmp-schema", null), null, null, null, null)).thenApply(reply -> {
                QmpSchema fetched = QmpSchema.parse(reply);
                resources.schemaStore().ifPresent(s -> s.save(key, reply));
                return remember(key, fetched);
            });
        });
    }
}
