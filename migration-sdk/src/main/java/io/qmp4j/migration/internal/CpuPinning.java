package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.qapi.CpuInfoFast;
import io.qmp4j.core.qapi.QueryCpusFast;
import io.qmp4j.migration.CpuIsolation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CpuIsolation} while the migration runs: the vCPU threads pinned before {@code migrate},
 * the migration threads once the migration is active (QEMU creates them then). Each pin is
 * journalled with the affinity it replaced, so the job's undo restores it, on success and on
 * failure alike.
 */
final class CpuPinning {

    private static final Logger log = LoggerFactory.getLogger(CpuPinning.class);
    /** The names QEMU gives its migration threads with {@code debug-threads=on}: 7.2's and 10.0's. */
    static final Pattern MIGRATION_THREAD = Pattern.compile("live_migration|multifdsend_\\d+|return path|mig/src/.*");
    private static final Pattern VCPU_THREAD = Pattern.compile("CPU \\d+/(KVM|TCG)");

    private final JobContext ctx;
    private final CpuIsolation isolation;
    private long pid = -1;
    private boolean migrationPinned;

    CpuPinning(JobContext ctx, CpuIsolation isolation) {
        this.ctx = ctx;
        this.isolation = isolation;
    }

    /** @return why the isolation cannot be done with this source; empty when it can */
    static List<String> problems(JobContext ctx, CpuIsolation isolation) throws Failure {
        List<String> p = new ArrayList<>();
        QmpEndpoint ep = ctx.qmp.client(Side.SOURCE).endpoint();
        if (!(ep instanceof QmpEndpoint.Unix)) {
            p.add("CPU isolation needs qmp4j on the source host, its monitor a UNIX socket: " + ep + " is not");
            return p;
        }
        if (!Taskset.available()) {
            p.add("CPU isolation needs taskset (util-linux), which cannot be run here");
            return p;
        }
        List<CpuInfoFast> cpus = ctx.qmp.call(Side.SOURCE, new QueryCpusFast());
        long pid = cpus.isEmpty() ? -1 : Taskset.processOf(cpus.get(0).threadId());
        if (pid < 0) {
            p.add("CPU isolation: the source QEMU's vCPU threads are not visible in this host's /proc (another host or PID"
                    + " namespace)");
            return p;
        }
        boolean named = Taskset.threads(pid).stream().anyMatch(t -> VCPU_THREAD.matcher(t.name()).matches());
        if (isolation.migrationCpus().isPresent() && !named && !ctx.qmp.hasCommand(Side.SOURCE, "query-migrationthreads", false)) {
            p.add("CPU isolation of the migration threads: this QEMU has no query-migrationthreads and names no threads (start it"
                    + " with -name NAME,debug-threads=on), so they cannot be told apart");
        }
        return p;
    }

    /** Before {@code migrate}: the vCPU threads. */
    void pinVcpus() throws Failure {
        List<CpuInfoFast> cpus = ctx.qmp.call(Side.SOURCE, new QueryCpusFast());
        pid = Taskset.processOf(cpus.get(0).threadId());
        if (isolation.vcpuCpus().isEmpty()) {
            return;
        }
        for (CpuInfoFast c : cpus) {
            pin(c.threadId(), "vCPU " + c.cpuIndex(), isolation.vcpuCpus().get());
        }
    }

    /** Once the migration is active: its threads (once). */
    void pinMigrationThreads() throws Failure {
        if (migrationPinned || isolation.migrationCpus().isEmpty()) {
            return;
        }
        migrationPinned = true;
        List<Taskset.Thread> threads = migrationThreads();
        if (threads.isEmpty()) {
            log.info("no migration thread found to pin");
        }
        for (Taskset.Thread t : threads) {
            pin(t.tid(), t.name(), isolation.migrationCpus().get());
        }
    }

    private List<Taskset.Thread> migrationThreads() throws Failure {
        List<Taskset.Thread> l = new ArrayList<>();
        if (ctx.qmp.hasCommand(Side.SOURCE, "query-migrationthreads", false)) {
            for (JsonNode t : ctx.qmp.raw(Side.SOURCE, "query-migrationthreads", null)) {
                l.add(new Taskset.Thread(t.path("thread-id").asLong(), t.path("name").asText()));
            }
            return l;
        }
        return Taskset.threads(pid).stream().filter(t -> MIGRATION_THREAD.matcher(t.name()).matches()).toList();
    }

    private void pin(long tid, String name, String cpus) throws Failure {
        pin(ctx.journal, pid, tid, name, cpus);
    }

    /**
     * Pins one thread of process {@code pid}, its affinity journalled first. A thread that ended
     * between being listed and being pinned (a multifd channel, the return path, once a short
     * migration is done with them) is skipped: there is nothing to pin, nor to restore.
     *
     * @return whether the thread was pinned
     * @throws Failure when taskset fails on a thread that still exists
     */
    static boolean pin(Journal journal, long pid, long tid, String name, String cpus) throws Failure {
        try {
            String mask = Taskset.mask(tid);
            journal.perform(Undo.affinity(pid, tid, mask, name), () -> {
                Taskset.pin(tid, cpus);
                return null;
            });
            log.debug("pinned {} (thread {}) to CPUs {} (was mask {})", name, tid, cpus, mask);
            return true;
        } catch (Failure f) {
            if (pid > 0 && !Taskset.alive(pid, tid)) {
                log.info("{} (thread {}) ended before it could be pinned: nothing to pin", name, tid);
                return false;
            }
            throw f;
        }
    }
}
