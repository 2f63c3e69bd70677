package io.qmp4j.cli;

import io.qmp4j.core.QmpResources;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.PreflightException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** virsh {@code migrate}: shared storage, or non-shared with {@code --copy-storage-all}; {@code --tls} encrypts. */
@Command(name = "migrate", description = "Live-migrate a VM from the source QEMU to a destination QEMU started with -incoming defer.")
final class MigrateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    MigrateOptions options = new MigrateOptions();

    @picocli.CommandLine.Mixin
    PostcopyOptions postcopyOptions = new PostcopyOptions();

    @Option(names = "--json", description = "print the result as one JSON object")
    boolean json;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    /** Applies the options to a builder (no I/O): what {@code migrate} will do. */
    Migration.Builder configure(Migration.Builder b) {
        return options.configure(b, postcopyOptions.postcopy());
    }

    @Override
    public Integer call() throws Exception {
        Migration.Builder b = configure(Migration.builder());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressPrinter printer = new ProgressPrinter(out, !json && Common.isTerminal());
        // One QmpResources for both: one I/O thread, and a schema fetched once when both QEMUs are the same build.
        try (QmpResources shared = Common.resources();
             Common.Session s = new Common.Session(options.source, 10, options.qmpTlsDir, shared);
             Common.Session d = new Common.Session(options.dest, 10, options.qmpTlsDir, shared)) {
            if (postcopyOptions.resume) {
                return resumePostcopy(s, d, out, err);
            }
            b.source(s.client).destination(d.client);
            if (!json) {
                b.progressListener(printer::print);
            }
            MigrationHandle h = b.build().start();
            MigrationResult r;
            try (Interrupts signals = new Interrupts(n -> onSignal(h, n, printer, err))) {
                try {
                    r = h.completion().get(24, TimeUnit.HOURS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof MigrationException m) {
                        return failed(m, signals, printer, out, err);
                    }
                    throw e;
                }
            }
            if (json) {
                out.println(Common.JSON.writeValueAsString(MigrationReport.toJson(r)));
            } else {
                printer.end();
                MigrationReport.printCompleted(out, r);
            }
            return 0;
        }
    }

    /** virsh {@code migrate --postcopy-resume}: the job found from its records, resumed over the same URI. */
    private int resumePostcopy(Common.Session s, Common.Session d, PrintWriter out, PrintWriter err) throws Exception {
        MigrationResult r;
        try {
            r = Common.get(Common.get(Migration.attach(s.client, d.client)).resumePostcopy(new MigrationUri(options.uri),
                    postcopyOptions.linkWait()));
        } catch (Exception e) {
            err.println("qmp4j migrate --postcopy-resume: " + Common.describe(Common.unwrap(e)));
            return Qmp4jCli.EXIT_FAILED;
        }
        if (json) {
            out.println(Common.JSON.writeValueAsString(MigrationReport.toJson(r)));
        } else {
            out.println("Post-copy migration of job " + r.job() + " resumed and completed:");
            r.rolledBack().forEach(l -> out.println("  " + l));
        }
        return 0;
    }

    /** Ctrl-C or SIGTERM: cancel and undo, as virsh does; past the point of no return, finish instead. */
    private static void onSignal(MigrationHandle h, int n, ProgressPrinter printer, PrintWriter err) {
        printer.end();
        if (n > 1) {
            err.println("qmp4j migrate: undo in progress, wait for it (killing this process now leaves job " + h.job()
                    + " for 'qmp4j domjobabort')");
        } else if (!h.cancellable()) {
            err.println("qmp4j migrate: interrupted past the point of no return (the VM is switching over to the destination):"
                    + " finishing the migration instead of breaking the VM");
        } else {
            err.println("qmp4j migrate: interrupted: cancelling job " + h.job() + " and undoing its changes");
        }
        err.flush();
        h.cancel();
    }

    private int failed(MigrationException m, Interrupts signals, ProgressPrinter printer, PrintWriter out, PrintWriter err)
            throws Exception {
        MigrationResult r = m.result();
        if (json) {
            out.println(Common.JSON.writeValueAsString(MigrationReport.toJson(r)));
        } else {
            printer.end();
            if (signals.interrupted() && r.outcome() == MigrationResult.Outcome.CANCELLED) {
                err.println("qmp4j migrate: cancelled; undid " + r.rolledBack().size() + " changes" + (r.notUndone().isEmpty() ? ""
                        : "; NOT undone: " + String.join("; ", r.notUndone())));
            } else {
                err.println("qmp4j migrate: " + m.getMessage());
            }
        }
        if (signals.interrupted()) {
            return signals.exitCode();
        }
        return m instanceof PreflightException ? Qmp4jCli.EXIT_USAGE : Qmp4jCli.EXIT_FAILED;
    }
}
