package io.qmp4j.cli;

import io.qmp4j.core.QmpResources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.migration.AutoConverge;
import io.qmp4j.migration.Compression;
import io.qmp4j.migration.CpuIsolation;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationLimits;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.PreflightException;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TimeoutAction;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.core.command.MultiFdCompression;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** virsh {@code migrate}: shared storage, or non-shared with {@code --copy-storage-all}; {@code --tls} encrypts. */
@Command(name = "migrate", description = "Live-migrate a VM from the source QEMU to a destination QEMU started with -incoming defer.")
final class MigrateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "EP", description = "the source's QMP monitor")
    String source;

    @Option(names = "--dest", required = true, paramLabel = "EP", description = "the destination's QMP monitor")
    String dest;

    @Option(names = "--uri", required = true, paramLabel = "URI", description = "migration address: tcp:HOST:PORT or unix:PATH")
    String uri;

    @Option(names = "--live", description = "migrate while the VM runs (always; accepted for virsh compatibility)")
    boolean live;

    @Option(names = "--unsafe", description = "skip the pre-flight checks")
    boolean unsafe;

    @Option(names = "--auto-converge", description = "throttle the vCPUs when the guest dirties too fast")
    boolean autoConverge;

    @Option(names = "--auto-converge-initial", paramLabel = "PERCENT", description = "cpu-throttle-initial (default 20)")
    Integer autoConvergeInitial;

    @Option(names = "--auto-converge-increment", paramLabel = "PERCENT", description = "cpu-throttle-increment (default 10)")
    Integer autoConvergeIncrement;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "act when not completed after this long")
    Integer timeout;

    @ArgGroup(exclusive = true)
    TimeoutChoice timeoutChoice;

    static final class TimeoutChoice {
        @Option(names = "--timeout-suspend", description = "pause the VM so that the migration completes (default)")
        boolean suspend;
        @Option(names = "--timeout-postcopy", description = "switch to post-copy")
        boolean postcopy;
        @Option(names = "--timeout-abort", description = "cancel the migration")
        boolean abort;
    }

    @Option(names = "--bandwidth", paramLabel = "MiB/s", description = "bandwidth limit (default: the source's own, as"
            + " migrate-setspeed set it; QEMU's untouched built-in default is lifted to unlimited)")
    Long bandwidth;

    @Option(names = "--max-downtime", paramLabel = "MS", description = "downtime limit (default: the source's own, as"
            + " migrate-setmaxdowntime set it; QEMU's default is 300)")
    Long maxDowntime;

    @Option(names = "--parallel", description = "multiple migration channels (multifd)")
    boolean parallel;

    @Option(names = "--parallel-connections", paramLabel = "N", description = "multifd channels (default 2)")
    Integer parallelConnections;

    @Option(names = "--compressed", description = "compress the stream (multifd compression with --parallel, else the compress capability)")
    boolean compressed;

    @Option(names = "--comp-level", paramLabel = "N", description = "compression level (default 1)")
    Integer compLevel;

    @Option(names = "--comp-threads", paramLabel = "N", description = "compression threads (compress capability, default 8)")
    Integer compThreads;

    @Option(names = "--decomp-threads", paramLabel = "N", description = "decompression threads (compress capability, default 2)")
    Integer decompThreads;

    @Option(names = "--comp-method", paramLabel = "zlib|zstd", description = "with --parallel: multifd compression; without: openEuler's compress-method")
    String compMethod;

    @Option(names = "--copy-storage-all", description = "copy the disks too (non-shared storage), over NBD with block mirroring")
    boolean copyStorageAll;

    @Option(names = "--migrate-disks", split = ",", paramLabel = "DISK[,DISK…]",
            description = "with --copy-storage-all: copy only these disks (device id, QOM path or node name, as domblklist shows)")
    List<String> migrateDisks;

    @Option(names = "--disks-uri", paramLabel = "URI",
            description = "with --copy-storage-all: where the destination's NBD server listens, tcp:HOST:PORT or unix:PATH"
                    + " (default: the host of --uri, its port + 1)")
    String disksUri;

    @Option(names = "--disks-port", paramLabel = "N", description = "with --copy-storage-all: the NBD port on the host of --uri")
    Integer disksPort;

    @Option(names = "--copy-storage-speed", paramLabel = "MiB/s", description = "with --copy-storage-all: speed limit of each disk's mirror")
    Long copyStorageSpeed;

    @Option(names = "--copy-storage-synchronous", description = "with --copy-storage-all: copy guest writes synchronously"
            + " (copy-mode write-blocking), for guests that write faster than the link")
    boolean copyStorageSynchronous;

    @Option(names = "--tls", description = "encrypt the migration (and the disks' NBD connections) with x509 TLS")
    boolean tls;

    @Option(names = "--tls-dir", paramLabel = "DIR", description = "with --tls: the credentials directory in QEMU's layout, the same"
            + " path on both hosts (default: " + Common.DEFAULT_TLS_DIR + ")")
    String tlsDir;

    @Option(names = "--tls-source-dir", paramLabel = "DIR", description = "with --tls: the source's own directory, when it differs")
    String tlsSourceDir;

    @Option(names = "--tls-hostname", paramLabel = "NAME", description = "with --tls: the name the destination's certificate carries"
            + " (default: the host of --uri)")
    String tlsHostname;

    @Option(names = "--tls-authz", paramLabel = "DN", description = "with --tls: a client certificate name the destination accepts"
            + " (repeatable; default: any the CA signed)")
    List<String> tlsAuthz;

    @Option(names = "--tls-key-password-file", paramLabel = "FILE", description = "with --tls: a file holding the private keys' password")
    String tlsKeyPasswordFile;

    @Option(names = "--migration-cpus", paramLabel = "LIST", description = "pin QEMU's migration threads to these CPUs while"
            + " it migrates (e.g. 2-3; needs this host to be the source's)")
    String migrationCpus;

    @Option(names = "--vcpu-cpus", paramLabel = "LIST", description = "pin the VM's vCPU threads to these CPUs while it migrates")
    String vcpuCpus;

    @Option(names = "--qmp-tls-dir", paramLabel = "DIR", defaultValue = Common.DEFAULT_TLS_DIR,
            description = "for tls:HOST:PORT monitors: the CA and client certificate (default: ${DEFAULT-VALUE})")
    String qmpTlsDir;

    @Option(names = "--reconnect", paramLabel = "SECONDS", description = "keep connecting again, this long, to a monitor whose"
            + " connection drops during the migration (default 0: a lost monitor fails it)")
    Long reconnect;

    @picocli.CommandLine.Mixin
    PostcopyOptions postcopyOptions = new PostcopyOptions();

    @Option(names = "--json", description = "print the result as one JSON object")
    boolean json;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    /** Applies the options to a builder (no I/O): what {@code migrate} will do. */
    Migration.Builder configure(Migration.Builder b) {
        if (source.equals(dest)) {
            throw new IllegalArgumentException("--source and --dest are the same monitor (" + source + "): give the destination"
                    + " QEMU's, started with -incoming defer");
        }
        b.uri(new MigrationUri(uri));
        if (unsafe) {
            b.unsafe();
        }
        if (autoConverge || autoConvergeInitial != null || autoConvergeIncrement != null) {
            AutoConverge d = AutoConverge.defaults();
            b.autoConverge(new AutoConverge(autoConvergeInitial != null ? autoConvergeInitial : d.initialPercent(),
                    autoConvergeIncrement != null ? autoConvergeIncrement : d.incrementPercent(), d.maxPercent(), d.tailslow()));
        }
        if (timeout != null) {
            TimeoutAction a = TimeoutAction.SUSPEND;
            if (timeoutChoice != null && timeoutChoice.postcopy) {
                a = TimeoutAction.POSTCOPY;
            } else if (timeoutChoice != null && timeoutChoice.abort) {
                a = TimeoutAction.CANCEL;
            }
            b.timeout(Duration.ofSeconds(timeout), a);
        } else if (timeoutChoice != null) {
            throw new IllegalArgumentException("--timeout-suspend/--timeout-postcopy/--timeout-abort need --timeout SECONDS");
        }
        if (bandwidth != null) {
            b.bandwidthMiBps(bandwidth);
        }
        if (maxDowntime != null) {
            b.maxDowntime(Duration.ofMillis(maxDowntime));
        }
        if (parallelConnections != null && !parallel) {
            throw new IllegalArgumentException("--parallel-connections needs --parallel");
        }
        if (parallel) {
            b.multifd(parallelConnections != null ? parallelConnections : 2);
        }
        if (!compressed && (compLevel != null || compThreads != null || decompThreads != null || compMethod != null)) {
            throw new IllegalArgumentException("--comp-level/--comp-threads/--decomp-threads/--comp-method need --compressed");
        }
        b.storage(storage());
        if (migrationCpus != null || vcpuCpus != null) {
            b.cpuIsolation(CpuIsolation.of(migrationCpus, vcpuCpus));
        }
        tls().ifPresent(b::tls);
        postcopyOptions.postcopy().ifPresent(b::postcopy);
        if (reconnect != null) {
            b.reconnect(Duration.ofSeconds(reconnect));
        }
        if (compressed) {
            int level = compLevel != null ? compLevel : 1;
            if (parallel) {
                MultiFdCompression m = MultiFdCompression.of(compMethod == null ? "zlib" : compMethod);
                if (m != MultiFdCompression.ZLIB && m != MultiFdCompression.ZSTD) {
                    throw new IllegalArgumentException("--comp-method " + compMethod + ": expected zlib or zstd");
                }
                b.compression(Compression.multifd(m, level));
            } else {
                Compression.Legacy l = new Compression.Legacy(level, compThreads != null ? compThreads : 8,
                        decompThreads != null ? decompThreads : 2, null, null);
                b.compression(compMethod == null ? l : l.withMethod(compMethod));
            }
        }
        return b;
    }

    private java.util.Optional<TlsCredentials> tls() {
        if (!tls) {
            if (tlsDir != null || tlsSourceDir != null || tlsHostname != null || tlsAuthz != null || tlsKeyPasswordFile != null) {
                throw new IllegalArgumentException("--tls-dir/--tls-source-dir/--tls-hostname/--tls-authz/--tls-key-password-file"
                        + " need --tls");
            }
            return java.util.Optional.empty();
        }
        Path dir = Path.of(tlsDir != null ? tlsDir : Common.DEFAULT_TLS_DIR);
        TlsCredentials t = TlsCredentials.of(dir);
        if (tlsSourceDir != null) {
            t = t.directories(Path.of(tlsSourceDir), dir);
        }
        if (tlsHostname != null) {
            t = t.hostname(tlsHostname);
        }
        if (tlsAuthz != null) {
            t = t.authorize(tlsAuthz.toArray(String[]::new));
        }
        if (tlsKeyPasswordFile != null) {
            t = t.keyPasswordFile(Path.of(tlsKeyPasswordFile));
        }
        return java.util.Optional.of(t);
    }

    private Storage storage() {
        if (!copyStorageAll) {
            if (migrateDisks != null || disksUri != null || disksPort != null || copyStorageSpeed != null || copyStorageSynchronous) {
                throw new IllegalArgumentException("--migrate-disks/--disks-uri/--disks-port/--copy-storage-speed/"
                        + "--copy-storage-synchronous need --copy-storage-all");
            }
            return Storage.shared();
        }
        Storage.Copy c = migrateDisks == null || migrateDisks.isEmpty() ? Storage.copyAll()
                : Storage.copy(migrateDisks.toArray(String[]::new));
        if (disksUri != null && disksPort != null) {
            throw new IllegalArgumentException("give --disks-uri or --disks-port, not both");
        }
        if (disksUri != null) {
            c = c.nbd(new MigrationUri(disksUri));
        } else if (disksPort != null) {
            MigrationUri u = new MigrationUri(uri);
            if (!uri.startsWith("tcp:")) {
                throw new IllegalArgumentException("--disks-port needs a tcp: --uri (for unix: give --disks-uri unix:PATH)");
            }
            c = c.nbd(MigrationUri.tcp(u.socketAddress().host(), disksPort));
        }
        if (copyStorageSpeed != null) {
            c = c.mirrorSpeed(copyStorageSpeed << 20);
        }
        return c.writeBlocking(copyStorageSynchronous);
    }

    @Override
    public Integer call() throws Exception {
        Migration.Builder b = configure(Migration.builder());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressPrinter printer = new ProgressPrinter(out, !json && Common.isTerminal());
        // One QmpResources for both: one I/O thread, and a schema fetched once when both QEMUs are the same build.
        try (QmpResources shared = QmpResources.create();
             Common.Session s = new Common.Session(source, 10, qmpTlsDir, shared);
             Common.Session d = new Common.Session(dest, 10, qmpTlsDir, shared)) {
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
                out.println(Common.JSON.writeValueAsString(toJson(r)));
            } else {
                printer.end();
                printCompleted(out, r);
            }
            return 0;
        }
    }

    /** virsh {@code migrate --postcopy-resume}: the job found from its records, resumed over the same URI. */
    private int resumePostcopy(Common.Session s, Common.Session d, PrintWriter out, PrintWriter err) throws Exception {
        MigrationResult r;
        try {
            r = Common.get(Common.get(Migration.attach(s.client, d.client)).resumePostcopy(new MigrationUri(uri),
                    postcopyOptions.linkWait()));
        } catch (Exception e) {
            err.println("qmp4j migrate --postcopy-resume: " + Common.describe(Common.unwrap(e)));
            return Qmp4jCli.EXIT_FAILED;
        }
        if (json) {
            out.println(Common.JSON.writeValueAsString(toJson(r)));
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
            out.println(Common.JSON.writeValueAsString(toJson(r)));
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

    private static void printCompleted(PrintWriter out, MigrationResult r) {
        out.printf("Migration completed: total %d ms, downtime %d ms, setup %d ms, %d bytes in %d passes%n",
                r.totalTime().toMillis(), r.downtime().toMillis(), r.setupTime().toMillis(), r.transferredBytes(), r.passes());
        MigrationLimits l = r.limits();
        if (l.bandwidthOrigin() != MigrationLimits.Origin.UNKNOWN) {
            out.printf("  limits: bandwidth %d MiB/s (%s), downtime %d ms (%s)%n", l.bandwidth() >> 20, origin(l.bandwidthOrigin()),
                    l.downtimeLimitMillis(), origin(l.downtimeOrigin()));
        }
        r.guestPause().filter(p -> p.minus(r.downtime()).toMillis() > 500).ifPresent(p -> out.printf(
                "  the guest was paused for %.1f s%s (QEMU's own downtime: %d ms)%n", p.toMillis() / 1000.0,
                r.timeoutActionTaken() ? " after the timeout's suspend action" : "", r.downtime().toMillis()));
        r.disks().forEach(k -> out.printf("  disk %s: %d MiB copied in %d ms (%s -> %s)%n", k.disk(), k.copiedBytes() >> 20,
                k.elapsed().toMillis(), k.sourceFile(), k.destinationFile()));
        r.postcopy().ifPresent(p -> out.printf("  post-copy after %d ms of pre-copy: %d pages requested by the destination, %d MiB"
                + " sent in post-copy, %d link recoveries (%d ms paused)%n", p.precopyTime().toMillis(), p.requests(), p.bytes() >> 20,
                p.recoveries(), p.pausedTime().toMillis()));
    }

    private static String origin(MigrationLimits.Origin o) {
        return switch (o) {
            case OPTION -> "this command's option";
            case SOURCE_SETTING -> "the source's own setting";
            case DEFAULT_LIFTED -> "QEMU's built-in default lifted, as libvirt does";
            case UNKNOWN -> "unknown";
        };
    }

    static ObjectNode toJson(MigrationResult r) {
        ObjectNode o = Common.JSON.createObjectNode();
        o.put("job", r.job());
        o.put("status", r.outcome().name().toLowerCase());
        r.failure().ifPresent(f -> o.put("failure", f.name().toLowerCase().replace('_', '-')));
        o.put("total-time-ms", r.totalTime().toMillis());
        o.put("downtime-ms", r.downtime().toMillis());
        r.guestPause().ifPresent(p -> o.put("guest-pause-ms", p.toMillis()));
        o.put("setup-time-ms", r.setupTime().toMillis());
        o.put("transferred-bytes", r.transferredBytes());
        o.put("passes", r.passes());
        o.put("timeout-action-taken", r.timeoutActionTaken());
        o.put("bandwidth", r.limits().bandwidth());
        o.put("bandwidth-from", r.limits().bandwidthOrigin().name().toLowerCase().replace('_', '-'));
        o.put("downtime-limit-ms", r.limits().downtimeLimitMillis());
        o.put("downtime-limit-from", r.limits().downtimeOrigin().name().toLowerCase().replace('_', '-'));
        o.set("capabilities", Common.JSON.valueToTree(r.capabilities()));
        o.set("parameters", Common.JSON.valueToTree(r.parameters()));
        o.set("rolled-back", Common.JSON.valueToTree(r.rolledBack()));
        o.set("not-undone", Common.JSON.valueToTree(r.notUndone()));
        var disks = o.putArray("disks");
        r.disks().forEach(d -> disks.addObject().put("disk", d.disk()).put("source", d.sourceFile())
                .put("destination", d.destinationFile()).put("copied-bytes", d.copiedBytes()).put("time-ms", d.elapsed().toMillis())
                .put("write-blocking", d.writeBlocking()));
        r.postcopy().ifPresent(p -> o.putObject("postcopy").put("precopy-time-ms", p.precopyTime().toMillis())
                .put("requests", p.requests()).put("bytes", p.bytes()).put("recoveries", p.recoveries())
                .put("paused-ms", p.pausedTime().toMillis()));
        o.set("reconnects", Common.JSON.valueToTree(r.reconnects()));
        r.errorClass().ifPresent(c -> o.put("error-class", c));
        r.errorMessage().ifPresent(m -> o.put("error", m));
        return o;
    }
}
