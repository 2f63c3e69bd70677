package io.qmp4j.migration;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.command.Migrations;
import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.migration.check.Checks;
import io.qmp4j.migration.check.PreflightCheck;
import io.qmp4j.migration.internal.MigrationJob;
import io.qmp4j.migration.internal.Recovery;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Entry point of the SDK: a fluent builder of {@link MigrationPlan}s.
 *
 * <pre>{@code
 * MigrationPlan plan = Migration.builder()
 *         .source(src).destination(dst)                  // two connected QmpClients
 *         .uri(MigrationUri.tcp("127.0.0.1", 4444))
 *         .storage(Storage.shared())
 *         .maxDowntime(Duration.ofMillis(300))
 *         .bandwidthMiBps(1024)
 *         .autoConverge(AutoConverge.defaults())
 *         .timeout(Duration.ofMinutes(5), TimeoutAction.SUSPEND)
 *         .build();                                       // validates, no I/O
 * MigrationResult result = plan.start().completion().join();
 * }</pre>
 *
 * <p>Each start is a <em>job</em>: every change it makes on either QEMU is journalled, before it
 * is made, in a record kept inside that QEMU, so that a failure, a cancel, Ctrl-C, or a new
 * process after this one died ({@link #attach}) can undo exactly what was done.
 *
 * @since 0.1
 */
public final class Migration {

    /** The default {@link Builder#stallTimeout(Duration)}, seconds. */
    public static final int DEFAULT_STALL_SECONDS = 30;
    /** The default {@link Builder#stallTimeout(Duration)}. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(DEFAULT_STALL_SECONDS);

    /** "Unlimited" bandwidth, as libvirt sets it: QEMU 7.2 would otherwise cap at 128 MiB/s. */
    public static final long UNLIMITED_BANDWIDTH = 10L * 1024 * 1024 * 1024;

    private Migration() {
    }

    /** @return a builder with the defaults: shared storage, unlimited bandwidth, QEMU's downtime limit, all checks */
    public static Builder builder() {
        return new Builder();
    }

    /** Runs a plan: a new job on a thread of its own. */
    static MigrationHandle start(MigrationPlan plan) {
        return MigrationJob.start(plan);
    }

    /**
     * Finds the job that a process which died (or was killed) left on these two QEMUs, so that
     * it can be finished or aborted: its record, kept inside each QEMU by qmp4j (an object named
     * {@code qmp4j-job-ID}), and what QEMU itself reports of the migration.
     *
     * @param source the source's client, connected
     * @param destination the destination's client, connected, or {@code null} when it is gone
     *                    or unknown (then only the source's side is finished or undone)
     * @return the job as found; {@link AttachedJob#found()} is false when there is none
     */
    public static CompletableFuture<AttachedJob> attach(QmpClient source, QmpClient destination) {
        Objects.requireNonNull(source, "source");
        return Recovery.attach(source, destination, Duration.ofSeconds(30));
    }

    /**
     * Options of a migration. Every default is set here; {@link #build()} checks them all
     * without any QMP traffic.
     */
    public static final class Builder {
        QmpClient source;
        QmpClient destination;
        MigrationUri uri;
        MigrationUri listenUri;
        Storage storage = Storage.shared();
        TlsCredentials tls;
        Duration maxDowntime;
        Long bandwidth;
        Compression compression;
        int multifdChannels;
        AutoConverge autoConverge;
        Long xbzrleCacheBytes;
        Duration timeout;
        TimeoutAction timeoutAction = TimeoutAction.SUSPEND;
        Postcopy postcopy;
        CpuIsolation cpuIsolation;
        MigrationParameters extraParameters;
        boolean unsafe;
        List<PreflightCheck> checks = Checks.all();
        DestinationPolicy onFailure = DestinationPolicy.QUIT;
        Duration stepTimeout = Duration.ofSeconds(30);
        Duration pollInterval = Duration.ofMillis(500);
        Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        Duration reconnect = Duration.ZERO;
        Consumer<? super MigrationProgress> progressListener = p -> { };
        MigrationListener listener = new MigrationListener() { };

        private Builder() {
        }

        /**
         * @param client the connected client of the source QEMU (the running VM)
         * @return this builder
         */
        public Builder source(QmpClient client) {
            this.source = Objects.requireNonNull(client, "source");
            return this;
        }

        /**
         * @param client the connected client of the destination QEMU, started with {@code -incoming defer}
         * @return this builder
         */
        public Builder destination(QmpClient client) {
            this.destination = Objects.requireNonNull(client, "destination");
            return this;
        }

        /**
         * @param uri where the destination listens and the source connects
         * @return this builder
         */
        public Builder uri(MigrationUri uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * Encrypts the migration stream (every multifd channel, and the NBD connections of a
         * copy-storage migration) with x509 TLS, both ends authenticated (virsh {@code --tls}).
         *
         * @param credentials the certificates on both hosts
         * @return this builder
         */
        public Builder tls(TlsCredentials credentials) {
            this.tls = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Where the destination listens, when it is not where the source connects (a NAT, a
         * proxy, a tunnel). Default: the {@link #uri(MigrationUri)}.
         *
         * @param listen the address the destination's {@code migrate-incoming} listens on
         * @return this builder
         */
        public Builder listenUri(MigrationUri listen) {
            this.listenUri = Objects.requireNonNull(listen, "listen");
            return this;
        }

        /**
         * @param storage how the disks reach the destination; default {@link Storage#shared()}
         * @return this builder
         */
        public Builder storage(Storage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /**
         * @param downtime the longest pause allowed at switchover (virsh {@code migrate-setmaxdowntime});
         *                 default: what the source has (QEMU's default is 300 ms)
         * @return this builder
         */
        public Builder maxDowntime(Duration downtime) {
            Objects.requireNonNull(downtime, "maxDowntime");
            if (downtime.isNegative() || downtime.isZero()) {
                throw new IllegalArgumentException("maxDowntime " + downtime + " is not positive");
            }
            this.maxDowntime = downtime;
            return this;
        }

        /**
         * @param bytesPerSecond the bandwidth limit; default: the source's own {@code max-bandwidth}
         *                       (set with virsh's {@code migrate-setspeed} or by another client),
         *                       except QEMU's untouched built-in default, which is lifted to
         *                       {@link Migration#UNLIMITED_BANDWIDTH} as libvirt does
         * @return this builder
         */
        public Builder bandwidth(long bytesPerSecond) {
            if (bytesPerSecond <= 0) {
                throw new IllegalArgumentException("bandwidth " + bytesPerSecond + " B/s is not positive");
            }
            this.bandwidth = bytesPerSecond;
            return this;
        }

        /**
         * @param mib mebibytes per second, as virsh's {@code migrate-setspeed} and {@code --bandwidth}
         * @return this builder
         */
        public Builder bandwidthMiBps(long mib) {
            return bandwidth(Migrations.mebibytesPerSecond(mib));
        }

        /**
         * @param mbit megabits per second, as network links are rated
         * @return this builder
         */
        public Builder bandwidthMbps(long mbit) {
            return bandwidth(Migrations.megabitsPerSecond(mbit));
        }

        /**
         * @param compression how to compress the stream; default none
         * @return this builder
         */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * @param channels parallel migration channels (virsh {@code --parallel --parallel-connections N}), 1 to 255
         * @return this builder
         */
        public Builder multifd(int channels) {
            if (channels < 1 || channels > 255) {
                throw new IllegalArgumentException("multifd channels " + channels + " is not in 1..255");
            }
            this.multifdChannels = channels;
            return this;
        }

        /**
         * @param settings throttle the source's vCPUs when the guest dirties too fast (virsh {@code --auto-converge})
         * @return this builder
         */
        public Builder autoConverge(AutoConverge settings) {
            this.autoConverge = Objects.requireNonNull(settings, "autoConverge");
            return this;
        }

        /**
         * @param cacheBytes turn on XBZRLE delta compression with this cache size
         * @return this builder
         */
        public Builder xbzrle(long cacheBytes) {
            if (cacheBytes < 4096) {
                throw new IllegalArgumentException("xbzrle cache of " + cacheBytes + " bytes is too small");
            }
            this.xbzrleCacheBytes = cacheBytes;
            return this;
        }

        /**
         * @param after when to act (virsh {@code --timeout})
         * @param action what to do then
         * @return this builder
         */
        public Builder timeout(Duration after, TimeoutAction action) {
            Objects.requireNonNull(after, "timeout");
            if (after.isNegative() || after.isZero()) {
                throw new IllegalArgumentException("timeout " + after + " is not positive");
            }
            this.timeout = after;
            this.timeoutAction = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * @param postcopy post-copy as a mode: when to switch, its bandwidth, how long to wait for
         *                 a broken link (see {@link Postcopy})
         * @return this builder
         */
        public Builder postcopy(Postcopy postcopy) {
            this.postcopy = Objects.requireNonNull(postcopy, "postcopy");
            return this;
        }

        /**
         * @param parameters any other migration parameters to set on the source (members left
         *                   {@code null} are not touched); they are restored afterwards
         * @return this builder
         */
        public Builder parameters(MigrationParameters parameters) {
            this.extraParameters = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /**
         * Skips the pre-flight checks (virsh {@code --unsafe}).
         *
         * @return this builder
         */
        public Builder unsafe() {
            this.unsafe = true;
            return this;
        }

        /**
         * @param checks the pre-flight checks to run; default {@link Checks#all()}
         * @return this builder
         */
        public Builder checks(List<PreflightCheck> checks) {
            this.checks = List.copyOf(checks);
            return this;
        }

        /**
         * @param isolation the CPUs for the migration threads and the vCPU threads while the
         *                  migration runs (virsh has no option for it; the openEuler guide
         *                  advises it for multi-channel TLS); needs qmp4j on the source host
         * @return this builder
         * @see CpuIsolation
         */
        public Builder cpuIsolation(CpuIsolation isolation) {
            this.cpuIsolation = Objects.requireNonNull(isolation, "isolation");
            return this;
        }

        /**
         * @param policy what to do with the destination after a failure; default {@link DestinationPolicy#QUIT}
         * @return this builder
         */
        public Builder onFailure(DestinationPolicy policy) {
            this.onFailure = Objects.requireNonNull(policy, "onFailure");
            return this;
        }

        /**
         * @param timeout the deadline of each QMP step of the orchestration; default 30 s
         * @return this builder
         */
        public Builder stepTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("stepTimeout " + timeout + " is not positive");
            }
            this.stepTimeout = timeout;
            return this;
        }

        /**
         * How long the migration may make no progress at all (no RAM byte sent, no disk byte
         * copied) before the SDK takes it for a broken network, cancels it and rolls back
         * (outcome {@code FAILED}, error class {@code Stalled}). Shorter stalls are ridden out:
         * QEMU resumes by itself when the link comes back. Not applied during post-copy, which
         * cannot be cancelled without losing the VM. Default {@value #DEFAULT_STALL_SECONDS} s.
         *
         * @param timeout at least one second
         * @return this builder
         */
        public Builder stallTimeout(Duration timeout) {
            if (timeout.toMillis() < 1000) {
                throw new IllegalArgumentException("stallTimeout " + timeout + " is below 1 s");
            }
            this.stallTimeout = timeout;
            return this;
        }

        /**
         * @param bound how long to keep trying to connect again to a monitor whose connection
         *              dropped while the migration runs (a controller that lost its link): the
         *              QEMUs' stream does not depend on it. Default zero: a lost monitor is taken
         *              for a QEMU that went away, at once. A QEMU that really died is then taken
         *              for gone only when the bound is over.
         * @return this builder
         */
        public Builder reconnect(Duration bound) {
            if (Objects.requireNonNull(bound, "bound").isNegative()) {
                throw new IllegalArgumentException("reconnect bound " + bound + " is negative");
            }
            this.reconnect = bound;
            return this;
        }

        /**
         * @param interval how often to sample {@code query-migrate} for progress; default 500 ms
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            if (interval.toMillis() < 10) {
                throw new IllegalArgumentException("pollInterval " + interval + " is below 10 ms");
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * @param listener called with every progress update, on the migration's own thread; keep it short
         * @return this builder
         */
        public Builder progressListener(Consumer<? super MigrationProgress> listener) {
            this.progressListener = Objects.requireNonNull(listener, "progressListener");
            return this;
        }

        /**
         * @param listener told of the job's phases, progress, journal steps, rollback and end; see {@link MigrationListener}
         * @return this builder
         */
        public Builder listener(MigrationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Checks every option; no QMP traffic.
         *
         * @return the plan
         * @throws IllegalStateException naming what is missing or contradictory
         */
        public MigrationPlan build() {
            if (source == null) {
                throw new IllegalStateException("source is required");
            }
            if (destination == null) {
                throw new IllegalStateException("destination is required");
            }
            if (source == destination || source.endpoint().equals(destination.endpoint())) {
                throw new IllegalStateException("source and destination are the same QEMU (" + source.endpoint() + ")");
            }
            if (uri == null) {
                throw new IllegalStateException("uri is required (MigrationUri.tcp(host, port) or MigrationUri.unix(path))");
            }
            checkPort(uri, "uri");
            if (compression instanceof Compression.Legacy && multifdChannels > 0) {
                throw new IllegalStateException("multifd and the legacy compress capability cannot be combined: use"
                        + " Compression.multifd(ZLIB|ZSTD, level) with multifd");
            }
            if (compression instanceof Compression.Multifd && multifdChannels == 0) {
                throw new IllegalStateException("multifd compression needs multifd(channels)");
            }
            boolean postcopyAsked = postcopy != null || timeout != null && timeoutAction == TimeoutAction.POSTCOPY;
            if (postcopyAsked && (multifdChannels > 0 || compression != null)) {
                throw new IllegalStateException((postcopy != null ? "post-copy" : "the post-copy timeout action")
                        + " cannot be combined with multifd or compression (QEMU refuses postcopy-ram with compression,"
                        + " and with multifd before 10.1)");
            }
            if (tls != null && tls.hostname().isEmpty() && uri.uri().startsWith("unix:")) {
                throw new IllegalStateException("TLS over a UNIX socket needs the name the destination's certificate carries:"
                        + " TlsCredentials.hostname(…) (CLI: --tls-hostname)");
            }
            if (storage instanceof Storage.Copy copy) {
                MigrationUri nbd;
                try {
                    nbd = copy.nbdFor(uri);
                    nbd.socketAddress();
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("copy-storage: " + e.getMessage(), e);
                }
                if (nbd.equals(uri)) {
                    throw new IllegalStateException("copy-storage: the NBD server cannot listen where the migration stream does ("
                            + uri + ")");
                }
            }
            return new MigrationPlan(this);
        }

        /** Port 0 would make the destination listen on a random port that the source cannot know. */
        private static void checkPort(MigrationUri u, String what) {
            String text = u.uri();
            if (text.startsWith("tcp:") && text.substring(text.lastIndexOf(':') + 1).matches("0+")) {
                throw new IllegalStateException(what + " " + u + ": port 0 makes the destination listen on a port the"
                        + " source cannot know; give a port in 1..65535");
            }
        }
    }
}
