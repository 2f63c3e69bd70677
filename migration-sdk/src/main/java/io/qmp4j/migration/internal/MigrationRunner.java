package io.qmp4j.migration.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.CommandLock;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.command.Cont;
import io.qmp4j.core.command.Migrate;
import io.qmp4j.core.command.MigrateCancel;
import io.qmp4j.core.command.MigrateContinue;
import io.qmp4j.core.command.MigrateIncoming;
import io.qmp4j.core.command.MigrateSetCapabilities;
import io.qmp4j.core.command.MigrateSetParameters;
import io.qmp4j.core.command.MigrateStartPostcopy;
import io.qmp4j.core.command.MigrationCapability;
import io.qmp4j.core.command.MigrationCapabilityStatus;
import io.qmp4j.core.command.MigrationInfo;
import io.qmp4j.core.command.MigrationParameters;
import io.qmp4j.core.command.MigrationStatus;
import io.qmp4j.core.command.ObjectAdd;
import io.qmp4j.core.command.ObjectDel;
import io.qmp4j.core.command.QueryMigrate;
import io.qmp4j.core.command.QueryMigrateCapabilities;
import io.qmp4j.core.command.QueryMigrateParameters;
import io.qmp4j.core.command.QueryStatus;
import io.qmp4j.core.command.Quit;
import io.qmp4j.core.command.RunState;
import io.qmp4j.core.command.Stop;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.MigrationEvent;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.migration.DiskCopy;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationPlan;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationProgress.Phase;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationResult.Outcome;
import io.qmp4j.migration.PreflightException;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TimeoutAction;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.migration.check.Checks;
import io.qmp4j.migration.check.DiskSelection;
import io.qmp4j.migration.check.PreflightCheck;
import io.qmp4j.migration.check.PreflightContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link MigrationPlan} on a thread of its own: checks, setup on both sides, the
 * migration driven by {@code MIGRATION} events and {@code query-migrate} samples, the timeout
 * action, switchover, restore; or, on failure or cancel, the rollback.
 */
public final class MigrationRunner implements MigrationHandle, Runnable {

    /** Id of the {@code tls-creds-x509} object the SDK adds on each side. */
    public static final String TLS_ID = "qmp4j-tls";
    /** Id of the {@code authz-list} object on the destination. */
    public static final String TLS_AUTHZ_ID = "qmp4j-tls-authz";
    /** Id of the {@code secret} object holding the key password. */
    public static final String TLS_SECRET_ID = "qmp4j-tls-pw";

    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Set<MigrationStatus> ACTIVE = Set.of(MigrationStatus.SETUP, MigrationStatus.ACTIVE,
            MigrationStatus.PRE_SWITCHOVER, MigrationStatus.DEVICE, MigrationStatus.WAIT_UNPLUG, MigrationStatus.CANCELLING);

    private final MigrationPlan plan;
    private final QmpClient src;
    private final QmpClient dst;
    private final CompletableFuture<MigrationResult> completion = new CompletableFuture<>();
    private final List<String> rolledBack = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private volatile MigrationProgress progress;
    private volatile boolean cancelRequested;
    private volatile boolean migrateSent;
    private volatile CommandLock srcLock;
    private volatile CommandLock dstLock;
    private boolean timeoutActionTaken;
    private boolean switchoverContinued;
    private long lastMoved = -1;
    private long lastProgressNanos;
    private boolean sourceWasRunning;
    private long pass;
    private MigrationParameters savedSrcParams;
    private MigrationParameters savedDstParams;
    private Map<String, Boolean> savedSrcCaps;
    private Map<String, Boolean> savedDstCaps;
    private boolean srcChanged;
    private boolean dstChanged;
    private boolean dstTouched;
    private StorageCopy storage;
    private final List<String> srcObjects = new ArrayList<>();
    private final List<String> dstObjects = new ArrayList<>();

    private MigrationRunner(MigrationPlan plan) {
        this.plan = plan;
        this.src = plan.source();
        this.dst = plan.destination();
        this.progress = new MigrationProgress(Phase.PREFLIGHT, MigrationStatus.NONE, 0, 0, 0, 0, 0, 0, Duration.ZERO, 0, Duration.ZERO,
                List.of());
    }

    /** Starts a plan on a new daemon thread. */
    public static MigrationHandle start(MigrationPlan plan) {
        MigrationRunner r = new MigrationRunner(plan);
        Thread t = new Thread(r, "qmp4j-migration-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.start();
        return r;
    }

    @Override
    public MigrationProgress progress() {
        return progress;
    }

    @Override
    public CompletableFuture<MigrationResult> completion() {
        return completion;
    }

    @Override
    public CompletableFuture<MigrationResult> cancel() {
        cancelRequested = true;
        CommandLock l = srcLock;
        if (migrateSent && l != null && !completion.isDone()) {
            l.execute(new MigrateCancel(), plan.stepTimeout());
        }
        return completion;
    }

    // ------------------------------------------------------------------ the flow

    @Override
    public void run() {
        try (CommandLock sl = src.lock(Checks.LIFECYCLE_COMMANDS, "a migration from this VM is running");
             CommandLock dl = dst.lock(Checks.LIFECYCLE_COMMANDS, "a migration to this VM is running");
             EventSubscription srcEvents = src.events().subscribe(Set.of(MigrationEvent.NAME, "MIGRATION_PASS"));
             EventSubscription dstEvents = dst.events().subscribe(Set.of(MigrationEvent.NAME))) {
            srcLock = sl;
            dstLock = dl;
            if (!plan.unsafe()) {
                preflight();
            }
            if (plan.storage() instanceof Storage.Copy copy) {
                storage = resolveDisks(copy);
            }
            try {
                MigrationResult r = migrate(srcEvents, dstEvents);
                completion.complete(r);
            } catch (Exception e) {
                MigrationResult r = rollback(e);
                String what = r.outcome() == Outcome.CANCELLED ? "migration cancelled" : "migration failed";
                completion.completeExceptionally(new MigrationException(what + ": " + r.errorMessage().orElse("?")
                        + (rolledBack.isEmpty() ? "" : " (rolled back: " + String.join("; ", rolledBack) + ")"), r, e));
            }
        } catch (PreflightException e) {
            completion.completeExceptionally(e);
        } catch (RuntimeException e) {
            MigrationResult r = result(Outcome.FAILED, null, e);
            completion.completeExceptionally(new MigrationException("migration failed: " + e.getMessage(), r, e));
        } finally {
            update(Phase.DONE, progress.status(), null);
        }
    }

    private void preflight() {
        PreflightContext ctx = new PreflightContext(src, dst, plan.storage(), plan.uri(), plan.tls(), plan.stepTimeout());
        List<String> problems = new ArrayList<>();
        for (PreflightCheck c : plan.checks()) {
            try {
                problems.addAll(c.check(ctx));
            } catch (Exception e) {
                problems.add(c.name() + ": could not check: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems, result(Outcome.REFUSED, null, null, problems));
        }
    }

    /** Which disks to copy: a selection that cannot be resolved is refused even when the plan is unsafe. */
    private StorageCopy resolveDisks(Storage.Copy copy) {
        DiskSelection sel;
        try {
            sel = DiskSelection.resolve(new PreflightContext(src, dst, plan.storage(), plan.uri(), plan.tls(), plan.stepTimeout()), copy);
        } catch (Exception e) {
            List<String> p = List.of("storage: could not list the disks: " + e.getMessage());
            throw new PreflightException(p, result(Outcome.REFUSED, null, null, p));
        }
        if (!sel.problems().isEmpty()) {
            throw new PreflightException(sel.problems(), result(Outcome.REFUSED, null, null, sel.problems()));
        }
        log.info("copy-storage: copying {}", sel.copied().stream().map(p -> p.source().id() + " (" + p.source().file() + " -> "
                + p.destination().file() + ")").toList());
        return new StorageCopy(src, dst, this::call, copy, plan.uri(), sel.copied(), plan.tls().isPresent() ? TLS_ID : null,
                plan.tls().filter(t -> !t.authorizedClients().isEmpty()).map(t -> TLS_AUTHZ_ID).orElse(null),
                plan.tls().flatMap(TlsCredentials::hostname).orElse(null));
    }

    private MigrationResult migrate(EventSubscription srcEvents, EventSubscription dstEvents) throws Exception {
        update(Phase.SETUP, MigrationStatus.NONE, null);
        sourceWasRunning = call(src, new QueryStatus()).status() == RunState.RUNNING;
        savedSrcParams = call(src, new QueryMigrateParameters());
        savedSrcCaps = caps(call(src, new QueryMigrateCapabilities()));
        savedDstParams = call(dst, new QueryMigrateParameters());
        savedDstCaps = caps(call(dst, new QueryMigrateCapabilities()));

        // Destination first (libvirt's Prepare): what must match on both sides, then listen.
        dstChanged = true;
        dstTouched = true;
        call(dst, MigrateSetCapabilities.of(plan.destinationCapabilities()));
        addTlsObjects(dst, dstObjects, "server");
        if (!isEmpty(plan.destinationParameters())) {
            call(dst, new MigrateSetParameters(plan.destinationParameters()));
        }
        if (storage != null) {
            storage.prepareDestination(dst.schema().get(plan.stepTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .hasCommand("block-export-add"));
        }
        call(dst, new MigrateIncoming(plan.listenUri().uri()));

        // Then the source (Perform).
        srcChanged = true;
        call(src, MigrateSetCapabilities.of(plan.sourceCapabilities()));
        addTlsObjects(src, srcObjects, "client");
        call(src, new MigrateSetParameters(plan.sourceParameters()));
        if (storage != null) {
            copyDisks();
        }
        if (cancelRequested) {
            throw new CancelledException("cancelled before the migration started");
        }
        migrateSent = true;
        call(src, new Migrate(plan.uri().uri()));
        update(Phase.MIGRATING, MigrationStatus.SETUP, null);

        // Like virsh --timeout: counted from the start of the migration itself, not of the checks.
        long migrateNanos = System.nanoTime();
        long deadline = plan.timeout().map(t -> migrateNanos + t.toNanos()).orElse(Long.MAX_VALUE);
        long nextPoll = 0;
        lastProgressNanos = System.nanoTime();
        CompletableFuture<QmpEvent> next = srcEvents.next();
        MigrationStatus status = MigrationStatus.SETUP;
        while (true) {
            QmpEvent e = null;
            try {
                e = next.get(plan.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                next = srcEvents.next();
            } catch (TimeoutException te) {
                // no event this interval
            } catch (ExecutionException ee) {
                throw new QemuGoneException("the source QEMU went away during the migration: " + ee.getCause().getMessage(),
                        ee.getCause());
            }
            if (e != null && e.is(MigrationEvent.NAME)) {
                status = e.as(MigrationEvent.class).status();
                log.debug("source migration status: {}", status);
            } else if (e != null && e.is("MIGRATION_PASS")) {
                pass = e.data().path("pass").asLong(pass);
            }
            if (status == MigrationStatus.COMPLETED) {
                break;
            }
            if (status == MigrationStatus.PRE_SWITCHOVER && storage != null && !cancelRequested && !switchoverContinued) {
                // The source is paused: end the mirrors, each target now holds the source's data.
                update(Phase.SWITCHOVER, status, null);
                storage.completeAtSwitchover(plan.stepTimeout());
                call(src, new MigrateContinue(MigrationStatus.PRE_SWITCHOVER.qapiName()));
                switchoverContinued = true;
            }
            // Once we asked for a cancel, the destination exits (QEMU 7.2) before the source
            // reports 'cancelled': that is the cancel going through, not a failure.
            boolean cancelling = cancelRequested || (timeoutActionTaken && plan.timeoutAction() == TimeoutAction.CANCEL);
            String cancelReason = timeoutActionTaken && plan.timeoutAction() == TimeoutAction.CANCEL
                    ? "the migration did not complete within " + plan.timeout().orElseThrow() + " and was cancelled"
                    : "cancelled";
            if (status == MigrationStatus.FAILED) {
                if (cancelling) {
                    throw new CancelledException(cancelReason);
                }
                throw new IllegalStateException("QEMU reports the migration failed: " + errorDesc());
            }
            if (status == MigrationStatus.CANCELLED) {
                throw new CancelledException(cancelReason);
            }
            if (dst.state() == QmpState.CLOSED && status != MigrationStatus.POSTCOPY_ACTIVE && !cancelling) {
                throw new QemuGoneException("the destination QEMU went away during the migration", null);
            }
            if (cancelRequested && status != MigrationStatus.CANCELLING) {
                callIgnoring(src, new MigrateCancel());
            }
            long now = System.nanoTime();
            if (!timeoutActionTaken && now >= deadline) {
                timeoutAction();
            }
            if (now >= nextPoll) {
                nextPoll = now + plan.pollInterval().toNanos();
                if (storage != null && status == MigrationStatus.ACTIVE) {
                    storage.poll(); // a mirror that fails while RAM moves fails the migration
                }
                MigrationInfo info = sample(status);
                long moved = info == null || info.ram() == null ? lastMoved : nz(info.ram().transferred());
                if (moved != lastMoved || status != MigrationStatus.ACTIVE && status != MigrationStatus.DEVICE) {
                    lastMoved = moved;
                    lastProgressNanos = now;
                } else if (!cancelRequested && now - lastProgressNanos > plan.stallTimeout().toNanos()) {
                    throw new StalledException("the migration sent nothing for " + plan.stallTimeout().toSeconds()
                            + " s: the network to the destination seems interrupted");
                }
            }
        }
        return switchover(dstEvents);
    }

    /** The TLS objects of one side: the key password's secret, the credentials, the destination's authz list. */
    private void addTlsObjects(QmpClient client, List<String> added, String endpoint) throws Exception {
        if (plan.tls().isEmpty()) {
            return;
        }
        TlsCredentials t = plan.tls().get();
        String secret = null;
        if (t.keyPasswordFile().isPresent()) {
            call(client, ObjectAdd.secretFromFile(TLS_SECRET_ID, t.keyPasswordFile().get()));
            added.add(TLS_SECRET_ID);
            secret = TLS_SECRET_ID;
        }
        java.nio.file.Path dir = endpoint.equals("server") ? t.destinationDirectory() : t.sourceDirectory();
        call(client, ObjectAdd.tlsCredsX509(TLS_ID, dir, endpoint, t.verifyPeer(), secret));
        added.add(TLS_ID);
        if (endpoint.equals("server") && !t.authorizedClients().isEmpty()) {
            call(client, ObjectAdd.authzList(TLS_AUTHZ_ID, t.authorizedClients()));
            added.add(TLS_AUTHZ_ID);
        }
    }

    /**
     * Deletes the TLS objects the migration added, newest first, where the QEMU still runs.
     *
     * @param record whether to list them in the rollback
     * @param skipDestination whether the destination is about to be told to quit anyway
     */
    private void removeTlsObjects(boolean record, boolean skipDestination) {
        for (QmpClient client : List.of(dst, src)) {
            List<String> added = client == src ? srcObjects : dstObjects;
            String side = client == src ? "source" : "destination";
            if (added.isEmpty() || client.state() != QmpState.RUNNING || (client == dst && skipDestination)) {
                added.clear();
                continue;
            }
            for (int i = added.size() - 1; i >= 0; i--) {
                String id = added.get(i);
                try {
                    call(client, new ObjectDel(id));
                    if (record) {
                        rolledBack.add("deleted the TLS object " + id + " on the " + side);
                    }
                } catch (Exception e) {
                    if (client.state() != QmpState.RUNNING) {
                        break; // it exited meanwhile (QEMU 7.2's destination does after a failed incoming migration)
                    }
                    log.warn("could not delete the TLS object {} on the {}: {}", id, side, e.getMessage());
                    if (record) {
                        rolledBack.add("could not delete the TLS object " + id + " on the " + side + ": " + e.getMessage());
                    }
                }
            }
            added.clear();
        }
    }

    /** The storage phase: mirrors every copied disk until all are in sync (READY). */
    private void copyDisks() throws Exception {
        update(Phase.STORAGE, MigrationStatus.NONE, null);
        storage.startMirrors();
        long lastCopied = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            if (cancelRequested) {
                throw new CancelledException("cancelled while copying the disks");
            }
            if (dst.state() != QmpState.RUNNING) {
                throw new QemuGoneException("the destination QEMU went away while the disks were copied", null);
            }
            boolean ready = storage.poll();
            update(Phase.STORAGE, MigrationStatus.NONE, null);
            if (ready) {
                return;
            }
            long copied = storage.disks().stream().mapToLong(DiskCopy::copiedBytes).sum();
            if (copied != lastCopied) {
                lastCopied = copied;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > plan.stallTimeout().toNanos()) {
                throw new StalledException("the disks' mirrors copied nothing for " + plan.stallTimeout().toSeconds()
                        + " s: the network to the destination's NBD server seems interrupted");
            }
            Thread.sleep(Math.min(100, plan.pollInterval().toMillis()));
        }
    }

    private void timeoutAction() throws Exception {
        timeoutActionTaken = true;
        log.info("migration did not complete within {}: {}", plan.timeout().orElseThrow(), plan.timeoutAction());
        update(Phase.TIMEOUT_ACTION, progress.status(), null);
        switch (plan.timeoutAction()) {
            case SUSPEND -> call(src, new Stop());
            case POSTCOPY -> call(src, new MigrateStartPostcopy());
            case CANCEL -> call(src, new MigrateCancel());
        }
    }

    private MigrationResult switchover(EventSubscription dstEvents) throws Exception {
        update(Phase.SWITCHOVER, MigrationStatus.COMPLETED, null);
        // QEMU 7.2 emits 'completed' before it stores total-time and downtime: re-query.
        MigrationInfo info = call(src, new QueryMigrate());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while ((info.totalTime() == null || info.totalTime() == 0) && System.nanoTime() < until) {
            Thread.sleep(50);
            info = call(src, new QueryMigrate());
        }
        // The destination has loaded the state once its own MIGRATION says completed.
        long dstUntil = System.nanoTime() + plan.stepTimeout().toNanos();
        while (call(dst, new QueryMigrate()).status() != MigrationStatus.COMPLETED) {
            if (System.nanoTime() > dstUntil) {
                throw new IllegalStateException("the destination did not finish loading the migration within " + plan.stepTimeout());
            }
            Thread.sleep(20);
        }
        if (storage != null) {
            storage.stopServer();
        }
        RunState dstState = call(dst, new QueryStatus()).status();
        if (dstState != RunState.RUNNING && sourceWasRunning) {
            // The run state travels in the stream: after the suspend action (or a source that
            // was paused at switchover) the destination is paused; the VM was running, so resume.
            call(dst, new Cont());
        }
        restore();
        removeTlsObjects(false, false);
        return result(Outcome.COMPLETED, info, null);
    }

    // ------------------------------------------------------------------ rollback

    private MigrationResult rollback(Exception cause) {
        log.warn("migration from {} to {} failed: {}", src.endpoint(), dst.endpoint(), cause.getMessage());
        update(Phase.ROLLING_BACK, progress.status(), null);
        MigrationInfo info = null;
        if (migrateSent && src.state() == QmpState.RUNNING) {
            try {
                info = call(src, new QueryMigrate());
                if (ACTIVE.contains(info.status())) {
                    call(src, new MigrateCancel());
                    rolledBack.add("cancelled the migration on the source (migrate_cancel)");
                    long until = System.nanoTime() + plan.stepTimeout().toNanos();
                    while (ACTIVE.contains(info.status()) && System.nanoTime() < until) {
                        Thread.sleep(20);
                        info = call(src, new QueryMigrate());
                    }
                }
            } catch (Exception e) {
                rolledBack.add("could not cancel the migration on the source: " + e.getMessage());
            }
        }
        if (storage != null) {
            storage.rollback(rolledBack, plan.stepTimeout());
        }
        if (src.state() == QmpState.RUNNING) {
            try {
                RunState s = call(src, new QueryStatus()).status();
                if (sourceWasRunning && s != RunState.RUNNING) {
                    call(src, new Cont());
                    rolledBack.add("resumed the source VM (it was " + s + ")");
                }
            } catch (Exception e) {
                rolledBack.add("could not resume the source VM: " + e.getMessage());
            }
        }
        boolean quitDestination = plan.onFailure() == io.qmp4j.migration.Migration.DestinationPolicy.QUIT;
        if (quitDestination) {
            dstChanged = false; // nothing to restore on a QEMU that is told to quit
        }
        restore();
        removeTlsObjects(true, quitDestination);
        // A destination that was never touched is left for a retry, unless the VM died with its source.
        if (quitDestination && (dstTouched || src.state() != QmpState.RUNNING)) {
            if (dst.state() == QmpState.RUNNING) {
                try {
                    call(dst, new Quit());
                    rolledBack.add("told the destination QEMU to quit");
                } catch (Exception e) {
                    rolledBack.add("the destination QEMU exited by itself");
                }
            } else {
                rolledBack.add("the destination QEMU had exited (QEMU 7.2 exits after a failed incoming migration)");
            }
        }
        boolean cancelled = cause instanceof CancelledException;
        return result(cancelled ? Outcome.CANCELLED : Outcome.FAILED, info, cause);
    }

    /** Puts back the parameters and capabilities the migration changed, where the QEMU still runs. */
    private void restore() {
        if (srcChanged) {
            restore(src, "source", savedSrcParams, plan.sourceParameters(), savedSrcCaps, plan.sourceCapabilities());
        }
        if (dstChanged && dst.state() == QmpState.RUNNING) {
            restore(dst, "destination", savedDstParams, plan.destinationParameters(), savedDstCaps, plan.destinationCapabilities());
        }
    }

    private void restore(QmpClient client, String side, MigrationParameters saved, MigrationParameters set,
                         Map<String, Boolean> savedCaps, Map<MigrationCapability, Boolean> setCaps) {
        if (client.state() != QmpState.RUNNING) {
            return;
        }
        List<String> done = new ArrayList<>();
        try {
            ObjectNode was = JSON.valueToTree(saved);
            ObjectNode changed = JSON.valueToTree(set);
            ObjectNode back = JSON.createObjectNode();
            for (Iterator<String> it = changed.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                JsonNode old = was.get(name);
                if (old != null && !old.equals(changed.get(name))) {
                    back.set(name, old);
                }
            }
            if (!back.isEmpty()) {
                call(client, new MigrateSetParameters(JSON.treeToValue(back, MigrationParameters.class)));
                done.add("parameters " + String.join(", ", iterable(back.fieldNames())));
            }
            Map<MigrationCapability, Boolean> capsBack = new LinkedHashMap<>();
            setCaps.forEach((c, v) -> {
                Boolean old = savedCaps.get(c.qapiName());
                if (old != null && !old.equals(v)) {
                    capsBack.put(c, old);
                }
            });
            if (!capsBack.isEmpty()) {
                call(client, MigrateSetCapabilities.of(capsBack));
                done.add("capabilities " + capsBack.keySet());
            }
            if (!done.isEmpty() && !completion.isDone() && progress.phase() == Phase.ROLLING_BACK) {
                rolledBack.add("restored " + String.join(" and ", done) + " on the " + side);
            }
            log.debug("restored on the {}: {}", side, done);
        } catch (Exception e) {
            log.warn("could not restore the migration settings of the {}: {}", side, e.getMessage());
            if (progress.phase() == Phase.ROLLING_BACK) {
                rolledBack.add("could not restore the settings of the " + side + ": " + e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private <R> R call(QmpClient client, QmpCommand<R> command) throws Exception {
        CommandLock l = client == src ? srcLock : dstLock;
        try {
            return l.execute(command, plan.stepTimeout()).get(plan.stepTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (client.state() == QmpState.CLOSED && (e.getCause() instanceof io.qmp4j.core.QmpStateException
                    || e.getCause() instanceof io.qmp4j.core.QmpDisconnectedException)) {
                throw new QemuGoneException((client == src ? "the source" : "the destination") + " QEMU went away (its monitor "
                        + client.endpoint() + " closed) during " + command.commandName(), e.getCause());
            }
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private void callIgnoring(QmpClient client, QmpCommand<?> command) {
        try {
            call(client, command);
        } catch (Exception e) {
            log.debug("{} failed: {}", command.commandName(), e.getMessage());
        }
    }

    private String errorDesc() {
        try {
            MigrationInfo i = call(src, new QueryMigrate());
            String desc = i.errorDesc() != null ? i.errorDesc() : "(no reason given)";
            if (plan.tls().isPresent() && desc.contains("TLS channel")) {
                // What the source sees when the destination drops the handshake says nothing of why.
                desc += " (the destination refused the TLS handshake: it does not trust the source's client certificate,"
                        + " or tls-authz does not allow it; check the destination's ca-cert.pem)";
            }
            return desc;
        } catch (Exception e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private MigrationInfo sample(MigrationStatus status) {
        try {
            MigrationInfo i = call(src, new QueryMigrate());
            update(progress.phase() == Phase.TIMEOUT_ACTION ? Phase.TIMEOUT_ACTION : Phase.MIGRATING, status, i);
            return i;
        } catch (Exception e) {
            log.debug("query-migrate failed: {}", e.getMessage());
            return null;
        }
    }

    private void update(Phase phase, MigrationStatus status, MigrationInfo i) {
        MigrationProgress p = progress;
        if (i != null && i.ram() != null) {
            MigrationInfo.MigrationStats ram = i.ram();
            long pageSize = ram.pageSize() == null ? 4096 : ram.pageSize();
            p = new MigrationProgress(phase, status, Math.max(pass, nz(ram.dirtySyncCount())), nz(ram.transferred()),
                    nz(ram.remaining()), nz(ram.total()), nz(ram.dirtyPagesRate()) * pageSize,
                    ram.mbps() == null ? 0 : (long) (ram.mbps() * 1_000_000 / 8),
                    Duration.ofMillis(nz(i.expectedDowntime())), (int) nz(i.cpuThrottlePercentage()),
                    Duration.ofNanos(System.nanoTime() - startNanos), disks());
        } else {
            p = new MigrationProgress(phase, status, pass, p.transferredBytes(), p.remainingBytes(), p.totalBytes(),
                    p.dirtyBytesPerSecond(), p.throughputBytesPerSecond(), p.expectedDowntime(), p.cpuThrottlePercent(),
                    Duration.ofNanos(System.nanoTime() - startNanos), disks());
        }
        progress = p;
        try {
            plan.progressListener().accept(p);
        } catch (RuntimeException e) {
            log.warn("progress listener threw", e);
        }
    }

    private MigrationResult result(Outcome outcome, MigrationInfo info, Throwable error) {
        return result(outcome, info, error, null);
    }

    private MigrationResult result(Outcome outcome, MigrationInfo info, Throwable error, List<String> problems) {
        Map<String, Boolean> caps = new LinkedHashMap<>();
        plan.sourceCapabilities().forEach((c, v) -> caps.put(c.qapiName(), v));
        Optional<String> errorClass = Optional.empty();
        Optional<String> message = Optional.empty();
        if (problems != null) {
            errorClass = Optional.of("PreflightRefused");
            message = Optional.of(String.join("; ", problems));
        } else if (error != null) {
            errorClass = Optional.of(error instanceof QmpCommandException q ? q.errorClass().name()
                    : error instanceof CancelledException ? "Cancelled"
                    : error instanceof StalledException ? "Stalled"
                    : error instanceof QemuGoneException ? "QemuGone"
                    : error instanceof QmpException ? error.getClass().getSimpleName() : "MigrationFailed");
            message = Optional.of(error.getMessage() == null ? error.toString() : error.getMessage());
        }
        MigrationInfo.MigrationStats ram = info == null ? null : info.ram();
        return new MigrationResult(outcome,
                Duration.ofMillis(info == null ? 0 : nz(info.totalTime())),
                Duration.ofMillis(info == null ? 0 : nz(info.downtime())),
                Duration.ofMillis(info == null ? 0 : nz(info.setupTime())),
                ram == null ? 0 : nz(ram.transferred()), ram == null ? pass : Math.max(pass, nz(ram.dirtySyncCount())),
                plan.sourceParameters(), caps, timeoutActionTaken, rolledBack, errorClass, message, disks());
    }

    private List<DiskCopy> disks() {
        return storage == null ? List.of() : storage.disks();
    }

    private static Map<String, Boolean> caps(List<MigrationCapabilityStatus> list) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        list.forEach(c -> m.put(c.capabilityName(), c.state()));
        return m;
    }

    private static boolean isEmpty(MigrationParameters p) {
        return JSON.valueToTree(p).isEmpty();
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    private static Iterable<String> iterable(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    /** A QEMU's monitor closed under the migration: it quit, crashed or was killed. */
    private static final class QemuGoneException extends Exception {
        QemuGoneException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No progress for the stall timeout: the SDK cancels and rolls back. */
    private static final class StalledException extends Exception {
        StalledException(String message) {
            super(message);
        }
    }

    /** The migration was cancelled (by the caller or the timeout's cancel action). */
    private static final class CancelledException extends Exception {
        CancelledException(String message) {
            super(message);
        }
    }
}
