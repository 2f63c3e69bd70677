package io.qmp4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.migration.AttachedJob;
import io.qmp4j.migration.JobInfo;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * virsh's {@code domjobinfo} and {@code domjobabort}, and {@code domjobfinish}: a job found on
 * two QEMUs from the record qmp4j keeps in each, typically left by a process that died. virsh
 * has no finish command because libvirtd recovers its jobs itself; qmp4j has no daemon.
 */
final class JobCommands {

    private JobCommands() {
    }

    /** The two monitors of a job. */
    static class Monitors {
        @Option(names = "--source", required = true, paramLabel = "EP", description = "the source's QMP monitor")
        String source;

        @Option(names = "--dest", paramLabel = "EP", description = "the destination's QMP monitor (without it only the source's side"
                + " is seen and undone)")
        String dest;

        @Option(names = "--qmp-tls-dir", paramLabel = "DIR", defaultValue = Common.DEFAULT_TLS_DIR,
                description = "for tls:HOST:PORT monitors: the CA and client certificate (default: ${DEFAULT-VALUE})")
        String qmpTlsDir;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Option(names = "--verbose", description = "print stack traces of errors")
        boolean verbose;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        /** Connects, attaches, and hands the job to {@code action}; closes everything after. */
        int run(Function<AttachedJob, Integer> action) throws Exception {
            try (Common.Session s = new Common.Session(source, 10, qmpTlsDir);
                 Common.Session d = dest == null ? null : new Common.Session(dest, 10, qmpTlsDir)) {
                QmpClient dc = d == null ? null : d.client;
                return action.apply(Common.get(Migration.attach(s.client, dc)));
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** Ends the job one way; prints the result. */
        int end(AttachedJob job, Function<AttachedJob, CompletableFuture<MigrationResult>> how, String verb) {
            if (!job.found()) {
                err().println("qmp4j " + spec.name() + ": no job is active on " + source + " (no qmp4j record, no migration)");
                return Qmp4jCli.EXIT_FAILED;
            }
            MigrationResult r;
            try {
                r = Common.get(how.apply(job));
            } catch (Exception e) {
                err().println("qmp4j " + spec.name() + ": " + Common.describe(Common.unwrap(e)));
                return Qmp4jCli.EXIT_FAILED;
            }
            if (json) {
                try {
                    out().println(Common.JSON.writeValueAsString(MigrationReport.toJson(r)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            } else {
                String what = r.outcome() == MigrationResult.Outcome.COMPLETED ? "finished (the VM runs on the destination)" : verb;
                out().println("Job " + r.job() + " " + what + ":");
                r.rolledBack().forEach(l -> out().println("  " + l));
                r.notUndone().forEach(l -> out().println("  NOT undone: " + l));
            }
            return r.notUndone().isEmpty() ? 0 : Qmp4jCli.EXIT_FAILED;
        }
    }

    /** virsh {@code domjobinfo}. */
    @Command(name = "domjobinfo", mixinStandardHelpOptions = true,
            description = "Show the migration job on a source QEMU: QEMU's progress and what qmp4j recorded (who started it, what to undo).")
    static final class Info extends Monitors implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return run(job -> {
                JobInfo i = job.info();
                if (json) {
                    try {
                        out().println(Common.JSON.writeValueAsString(toJson(i)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    print(out(), i);
                }
                return 0;
            });
        }

        static void print(PrintWriter out, JobInfo i) {
            MigrationInfo m = i.migration();
            out.printf("Job:              %s%n", i.job().isEmpty() ? "(no qmp4j record)" : i.job());
            out.printf("State:            %s%n", i.state().name().toLowerCase().replace('_', ' '));
            out.printf("Phase recorded:   %s%n", i.phase().isEmpty() ? "-" : i.phase());
            out.printf("Source:           migration %s, VM %s%n", i.sourceStatus(), i.sourceRunState());
            if (!i.destinationStatus().isEmpty()) {
                out.printf("Destination:      migration %s, VM %s%n", i.destinationStatus(), i.destinationRunState());
            }
            if (m.ram() != null) {
                long total = nz(m.ram().total());
                long remaining = nz(m.ram().remaining());
                out.printf("Data processed:   %d MiB%n", nz(m.ram().transferred()) >> 20);
                out.printf("Data remaining:   %d MiB%n", remaining >> 20);
                out.printf("Data total:       %d MiB (%.1f %% done)%n", total >> 20, total == 0 ? 0 : 100.0 * (total - remaining) / total);
            }
            out.printf("Bandwidth limit:  %d MiB/s%n", i.bandwidth() >> 20);
            if (m.expectedDowntime() != null) {
                out.printf("Expected downtime: %d ms%n", m.expectedDowntime());
            }
            if (i.ownerPid() != 0) {
                out.printf("Started by:       pid %d on %s%s, %s%n", i.ownerPid(), i.ownerHost(), i.started().map(t -> " at " + t).orElse(""),
                        i.ownerAlive().map(a -> a ? "still running" : "no longer running").orElse("on another host"));
            }
            i.pendingUndo().forEach(u -> out.printf("To undo:          %s%n", u));
        }

        static ObjectNode toJson(JobInfo i) {
            ObjectNode o = Common.JSON.createObjectNode();
            o.put("job", i.job()).put("state", i.state().name().toLowerCase().replace('_', '-')).put("phase", i.phase())
                    .put("source-status", i.sourceStatus()).put("source-run-state", i.sourceRunState())
                    .put("destination-status", i.destinationStatus()).put("destination-run-state", i.destinationRunState())
                    .put("bandwidth", i.bandwidth()).put("owner-pid", i.ownerPid()).put("owner-host", i.ownerHost());
            i.started().ifPresent(t -> o.put("started", t.toString()));
            i.ownerAlive().ifPresent(a -> o.put("owner-alive", a));
            o.set("migration", Common.JSON.valueToTree(i.migration()));
            o.set("pending-undo", Common.JSON.valueToTree(i.pendingUndo()));
            return o;
        }

        private static long nz(Long v) {
            return v == null ? 0 : v;
        }
    }

    /** virsh {@code domjobabort}. */
    @Command(name = "domjobabort", mixinStandardHelpOptions = true,
            description = "Abort the migration job: cancel it if it runs and undo every change qmp4j recorded on both QEMUs."
                    + " A job QEMU already completed is finished instead (it cannot be undone without losing the VM).")
    static final class Abort extends Monitors implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return run(job -> end(job, AttachedJob::abort, "aborted (the VM runs on the source)"));
        }
    }

    /** What libvirtd does by itself after a restart: finish a job whose process died after QEMU completed it. */
    @Command(name = "domjobfinish", mixinStandardHelpOptions = true,
            description = "Finish a migration job QEMU completed but whose process died: resume the destination if qmp4j would have,"
                    + " stop the NBD server, remove qmp4j's objects, restore the settings it changed.")
    static final class Finish extends Monitors implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return run(job -> end(job, AttachedJob::finish, "finished"));
        }
    }
}
