package io.qmp4j.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpListener;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.migration.MigrationListener;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * qmp4j's figures in a Micrometer registry. One instance serves every client and job of an
 * application: pass it to {@code QmpResources.builder().listener(metrics)} and to each
 * {@code Migration.builder().listener(metrics)}.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@code qmp4j.command}</td><td>timer</td><td>{@code command}, {@code outcome} ({@code ok}, QEMU's error class, or the exception's class)</td></tr>
 * <tr><td>{@code qmp4j.commands.in.flight}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code qmp4j.events}</td><td>counter</td><td>{@code event}</td></tr>
 * <tr><td>{@code qmp4j.events.dropped}</td><td>counter</td><td>{@code event}</td></tr>
 * <tr><td>{@code qmp4j.sessions.running}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code qmp4j.migrations.running}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code qmp4j.migration}</td><td>timer</td><td>{@code outcome} ({@code COMPLETED}, {@code CANCELLED}, {@code FAILED}, {@code REFUSED})</td></tr>
 * <tr><td>{@code qmp4j.migration.steps.undone}</td><td>counter</td><td>{@code result} ({@code undone}, {@code not-undone})</td></tr>
 * </table>
 *
 * @since 0.2
 */
public final class QmpMetrics implements QmpListener, MigrationListener {

    private final MeterRegistry registry;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong migrations = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, Long> started = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param registry where the meters go */
    public QmpMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("qmp4j.commands.in.flight", inFlight, AtomicLong::get).description("QMP commands sent and not answered yet")
                .register(registry);
        Gauge.builder("qmp4j.sessions.running", sessions, AtomicLong::get).description("QMP sessions running").register(registry);
        Gauge.builder("qmp4j.migrations.running", migrations, AtomicLong::get).description("migration jobs running").register(registry);
    }

    @Override
    public void commandStarted(QmpEndpoint endpoint, String command) {
        inFlight.incrementAndGet();
    }

    @Override
    public void commandCompleted(QmpEndpoint endpoint, String command, Duration latency, Throwable failure) {
        inFlight.decrementAndGet();
        String outcome = failure == null ? "ok" : failure instanceof QmpCommandException q ? q.errorClass().name()
                : failure.getClass().getSimpleName();
        Timer.builder("qmp4j.command").tag("command", command).tag("outcome", outcome).register(registry).record(latency);
    }

    @Override
    public void eventReceived(QmpEndpoint endpoint, QmpEvent event) {
        Counter.builder("qmp4j.events").tag("event", event.name()).register(registry).increment();
    }

    @Override
    public void eventDropped(QmpEndpoint endpoint, QmpEvent event) {
        Counter.builder("qmp4j.events.dropped").tag("event", event.name()).register(registry).increment();
    }

    @Override
    public void stateChanged(QmpEndpoint endpoint, QmpState from, QmpState to) {
        if (to == QmpState.RUNNING) {
            sessions.incrementAndGet();
        } else if (from == QmpState.RUNNING) {
            sessions.decrementAndGet();
        }
    }

    @Override
    public void phaseChanged(String job, MigrationProgress.Phase from, MigrationProgress.Phase to) {
        if (from == null) {
            migrations.incrementAndGet();
            started.put(job, System.nanoTime());
        }
    }

    @Override
    public void stepUndone(String job, String done) {
        Counter.builder("qmp4j.migration.steps.undone").tag("result", "undone").register(registry).increment();
    }

    @Override
    public void stepNotUndone(String job, String why) {
        Counter.builder("qmp4j.migration.steps.undone").tag("result", "not-undone").register(registry).increment();
    }

    @Override
    public void finished(String job, MigrationResult result, Throwable failure) {
        Long t0 = started.remove(job);
        if (t0 != null) {
            migrations.decrementAndGet();
            Timer.builder("qmp4j.migration").tag("outcome", result == null ? "REFUSED" : result.outcome().name()).register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - t0));
        }
    }
}
