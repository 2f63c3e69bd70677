package io.qmp4j.migration.internal;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.migration.AttachedJob;
import io.qmp4j.migration.JobInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Finds a job on two QEMUs from its records and QEMU's own state: what {@code Migration.attach}
 * returns, for a process that comes after the one that died.
 */
public final class Recovery {

    /** Statuses in which QEMU's migration is still in progress. */
    static final Set<MigrationStatus> ACTIVE = Set.of(MigrationStatus.SETUP, MigrationStatus.ACTIVE, MigrationStatus.PRE_SWITCHOVER,
            MigrationStatus.DEVICE, MigrationStatus.WAIT_UNPLUG, MigrationStatus.CANCELLING, MigrationStatus.POSTCOPY_ACTIVE,
            MigrationStatus.POSTCOPY_PAUSED, MigrationStatus.POSTCOPY_RECOVER, MigrationStatus.POSTCOPY_RECOVER_SETUP);
    /** Statuses in which {@code migrate_cancel} still undoes the migration. */
    static final Set<MigrationStatus> CANCELLABLE = Set.of(MigrationStatus.SETUP, MigrationStatus.ACTIVE,
            MigrationStatus.PRE_SWITCHOVER, MigrationStatus.DEVICE, MigrationStatus.WAIT_UNPLUG);

    private Recovery() {
    }

    /** @return the source's migration once it is no longer in progress, empty when it still is after the step timeout */
    static Optional<MigrationInfo> awaitEnd(Qmp qmp) throws Failure {
        return Waits.until(qmp.client(Side.SOURCE), Set.of("MIGRATION"), qmp.step(), Duration.ofMillis(50), () -> {
            MigrationInfo i = qmp.call(Side.SOURCE, new QueryMigrate());
            return ACTIVE.contains(Qmp.statusOf(i)) ? Optional.empty() : Optional.of(i);
        });
    }

    /**
     * @param source the source's client, connected
     * @param destination the destination's, or null
     * @param step the deadline of each query
     * @return the job as found, completed on a thread of its own
     */
    public static CompletableFuture<AttachedJob> attach(QmpClient source, QmpClient destination, Duration step) {
        CompletableFuture<AttachedJob> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(read(new Qmp(source, destination, step)));
            } catch (Failure e) {
                f.completeExceptionally(new IllegalStateException("could not read the job: " + e.getMessage(), e));
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        }, "qmp4j-attach");
        t.setDaemon(true);
        t.start();
        return f;
    }

    static Attached read(Qmp qmp) throws Exception {
        List<JobRecord> src = JobStore.read(qmp.client(Side.SOURCE), qmp.step());
        List<JobRecord> dst = qmp.alive(Side.DESTINATION) ? JobStore.read(qmp.client(Side.DESTINATION), qmp.step()) : List.of();
        JobRecord any = !src.isEmpty() ? src.get(0) : !dst.isEmpty() ? dst.get(0) : null;
        String job = any == null ? "" : any.job();
        Optional<JobRecord> s = src.stream().filter(r -> r.job().equals(job)).findFirst();
        Optional<JobRecord> d = dst.stream().filter(r -> r.job().equals(job)).findFirst();
        MigrationInfo m = qmp.call(Side.SOURCE, new QueryMigrate());
        String srcRun = String.valueOf(qmp.runState(Side.SOURCE));
        String dstStatus = "";
        String dstRun = "";
        if (qmp.alive(Side.DESTINATION)) {
            dstStatus = qmp.migrationStatus(Side.DESTINATION).value();
            dstRun = String.valueOf(qmp.runState(Side.DESTINATION));
        }
        List<String> pending = new ArrayList<>();
        s.ifPresent(r -> r.undo().forEach(u -> pending.add(u.what() + " on the source")));
        d.ifPresent(r -> r.undo().forEach(u -> pending.add(u.what() + " on the destination")));
        long bw = qmp.raw(Side.SOURCE, "query-migrate-parameters", null).path("max-bandwidth").asLong();
        JobInfo.State state = state(Qmp.statusOf(m), any != null || !new Leftovers(qmp).find(Side.SOURCE).isEmpty());
        JobInfo info = new JobInfo(job, state, any == null ? "" : any.phase(), Qmp.statusOf(m).value(), srcRun, dstStatus, dstRun,
                any == null ? 0 : any.pid(), any == null ? "" : any.host(),
                any == null || any.startedMillis() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(any.startedMillis())),
                any == null ? Optional.empty() : alive(any), m, bw, pending);
        return new Attached(qmp, info, s, d);
    }

    private static JobInfo.State state(MigrationStatus s, boolean records) {
        if (s == MigrationStatus.PRE_SWITCHOVER) {
            return JobInfo.State.PAUSED_BEFORE_SWITCHOVER;
        }
        if (s == MigrationStatus.POSTCOPY_ACTIVE || s == MigrationStatus.POSTCOPY_PAUSED || s == MigrationStatus.POSTCOPY_RECOVER
                || s == MigrationStatus.POSTCOPY_RECOVER_SETUP) {
            return JobInfo.State.POSTCOPY;
        }
        if (ACTIVE.contains(s)) {
            return JobInfo.State.RUNNING;
        }
        if (s == MigrationStatus.COMPLETED && records) {
            return JobInfo.State.COMPLETED;
        }
        return records ? JobInfo.State.LEFT_OVER : JobInfo.State.NONE;
    }

    /** @return whether the record's process still runs; known only on its own host */
    static Optional<Boolean> alive(JobRecord r) {
        if (r.pid() == 0 || !JobStore.hostName().equals(r.host())) {
            return Optional.empty();
        }
        return Optional.of(ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    /** @return "started by pid P on host H at T, which no longer runs" */
    static String owner(JobRecord r) {
        String when = r.startedMillis() == 0 ? "" : " at " + Instant.ofEpochMilli(r.startedMillis());
        String live = alive(r).map(a -> a ? ", which still runs" : ", which no longer runs").orElse("");
        return "started by pid " + r.pid() + " on host " + r.host() + when + live;
    }
}
