package io.qmp4j.cli;

import io.qmp4j.core.qapi.MultiFDCompression;
import io.qmp4j.migration.AutoConverge;
import io.qmp4j.migration.Compression;
import io.qmp4j.migration.CpuIsolation;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TimeoutAction;
import io.qmp4j.migration.TlsCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code migrate}'s options, as virsh names them, and what they make of a migration: also how
 * {@code evacuate} reads each job of its file.
 */
final class MigrateOptions {

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

    /**
     * Applies the options to a builder (no I/O): what {@code migrate} will do.
     *
     * @param postcopy the post-copy mode the command's post-copy options give, if any
     */
    Migration.Builder configure(Migration.Builder b, Optional<Postcopy> postcopy) {
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
        postcopy.ifPresent(b::postcopy);
        if (reconnect != null) {
            b.reconnect(Duration.ofSeconds(reconnect));
        }
        if (compressed) {
            int level = compLevel != null ? compLevel : 1;
            if (parallel) {
                MultiFDCompression m = MultiFDCompression.of(compMethod == null ? "zlib" : compMethod);
                if (m != MultiFDCompression.ZLIB && m != MultiFDCompression.ZSTD) {
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

    private Optional<TlsCredentials> tls() {
        if (!tls) {
            if (tlsDir != null || tlsSourceDir != null || tlsHostname != null || tlsAuthz != null || tlsKeyPasswordFile != null) {
                throw new IllegalArgumentException("--tls-dir/--tls-source-dir/--tls-hostname/--tls-authz/--tls-key-password-file"
                        + " need --tls");
            }
            return Optional.empty();
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
        return Optional.of(t);
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
            c = c.nbd(MigrationUri.tcp(u.host().orElseThrow(), disksPort));
        }
        if (copyStorageSpeed != null) {
            c = c.mirrorSpeed(copyStorageSpeed << 20);
        }
        return c.writeBlocking(copyStorageSynchronous);
    }
}
