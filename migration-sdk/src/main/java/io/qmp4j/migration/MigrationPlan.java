package io.qmp4j.migration;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.migration.check.PreflightCheck;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A validated, immutable description of what the user asked for: what
 * {@link Migration.Builder#build()} returns. It holds options only; what is set on which QEMU
 * is derived when it starts, from the options and from both QEMUs' schemas and current
 * settings. {@link #start()} runs it; a plan can be started again (against a new destination)
 * after a failure, each start a new job.
 *
 * @since 0.1
 */
public final class MigrationPlan {

    private final QmpClient source;
    private final QmpClient destination;
    private final MigrationUri uri;
    private final MigrationUri listenUri;
    private final Storage storage;
    private final Optional<TlsCredentials> tls;
    private final Optional<Duration> maxDowntime;
    private final Optional<Long> bandwidth;
    private final Optional<Compression> compression;
    private final int multifdChannels;
    private final Optional<AutoConverge> autoConverge;
    private final Optional<Long> xbzrleCacheBytes;
    private final Optional<Duration> timeout;
    private final TimeoutAction timeoutAction;
    private final Optional<Postcopy> postcopy;
    private final Optional<CpuIsolation> cpuIsolation;
    private final Optional<MigrationParameters> extraParameters;
    private final boolean unsafe;
    private final List<PreflightCheck> checks;
    private final DestinationPolicy onFailure;
    private final Duration stepTimeout;
    private final Duration pollInterval;
    private final Duration stallTimeout;
    private final Duration reconnect;
    private final Consumer<? super MigrationProgress> progressListener;
    private final MigrationListener listener;

    MigrationPlan(Migration.Builder b) {
        this.source = b.source;
        this.destination = b.destination;
        this.uri = b.uri;
        this.listenUri = b.listenUri != null ? b.listenUri : b.uri;
        this.storage = b.storage;
        this.tls = Optional.ofNullable(b.tls);
        this.maxDowntime = Optional.ofNullable(b.maxDowntime);
        this.bandwidth = Optional.ofNullable(b.bandwidth);
        this.compression = Optional.ofNullable(b.compression);
        this.multifdChannels = b.multifdChannels;
        this.autoConverge = Optional.ofNullable(b.autoConverge);
        this.xbzrleCacheBytes = Optional.ofNullable(b.xbzrleCacheBytes);
        this.timeout = Optional.ofNullable(b.timeout);
        this.timeoutAction = b.timeoutAction;
        this.postcopy = Optional.ofNullable(b.postcopy);
        this.cpuIsolation = Optional.ofNullable(b.cpuIsolation);
        this.extraParameters = Optional.ofNullable(b.extraParameters);
        this.unsafe = b.unsafe;
        this.checks = b.checks;
        this.onFailure = b.onFailure;
        this.stepTimeout = b.stepTimeout;
        this.pollInterval = b.pollInterval;
        this.stallTimeout = b.stallTimeout;
        this.reconnect = b.reconnect;
        this.progressListener = b.progressListener;
        this.listener = b.listener;
    }

    /**
     * Starts the migration on a thread of its own. Pre-flight checks run first (unless the
     * plan is unsafe; the checks that protect a VM from a second job always run); nothing is
     * changed on either QEMU before they pass.
     *
     * @return the handle of the running migration
     */
    public MigrationHandle start() {
        return Migration.start(this);
    }

    /** @return the downtime limit asked for; empty keeps the source's own */
    public Optional<Duration> maxDowntime() {
        return maxDowntime;
    }

    /**
     * @return the bandwidth limit asked for, bytes per second; empty keeps the source's own,
     *         except QEMU's untouched built-in default, which is lifted to {@link Migration#UNLIMITED_BANDWIDTH}
     */
    public Optional<Long> bandwidth() {
        return bandwidth;
    }

    /** @return the stream compression asked for */
    public Optional<Compression> compression() {
        return compression;
    }

    /** @return multifd channels, 0 for a single channel */
    public int multifdChannels() {
        return multifdChannels;
    }

    /** @return the auto-converge settings, when asked for */
    public Optional<AutoConverge> autoConverge() {
        return autoConverge;
    }

    /** @return the XBZRLE cache size, when XBZRLE is asked for */
    public Optional<Long> xbzrleCacheBytes() {
        return xbzrleCacheBytes;
    }

    /** @return other parameters to set on the source, when given */
    public Optional<MigrationParameters> extraParameters() {
        return extraParameters;
    }

    /** @return the source's client */
    public QmpClient source() {
        return source;
    }

    /** @return the destination's client */
    public QmpClient destination() {
        return destination;
    }

    /** @return where the stream goes */
    public MigrationUri uri() {
        return uri;
    }

    /** @return where the destination listens (usually {@link #uri()}) */
    public MigrationUri listenUri() {
        return listenUri;
    }

    /** @return the storage mode */
    public Storage storage() {
        return storage;
    }

    /** @return the TLS credentials, when the migration is encrypted */
    public Optional<TlsCredentials> tls() {
        return tls;
    }

    /** @return when the timeout action is taken, if ever */
    public Optional<Duration> timeout() {
        return timeout;
    }

    /** @return what is done at the timeout */
    public TimeoutAction timeoutAction() {
        return timeoutAction;
    }

    /** @return post-copy as a mode, when asked for */
    public Optional<Postcopy> postcopy() {
        return postcopy;
    }

    /** @return the CPU isolation while the migration runs, when asked for */
    public Optional<CpuIsolation> cpuIsolation() {
        return cpuIsolation;
    }

    /** @return whether post-copy is enabled at all: as a mode, or as the timeout action */
    public boolean postcopyEnabled() {
        return postcopy.isPresent() || timeout.isPresent() && timeoutAction == TimeoutAction.POSTCOPY;
    }

    /** @return whether the pre-flight checks are skipped */
    public boolean unsafe() {
        return unsafe;
    }

    /** @return the pre-flight checks */
    public List<PreflightCheck> checks() {
        return checks;
    }

    /** @return what happens to the destination after a failure */
    public DestinationPolicy onFailure() {
        return onFailure;
    }

    /** @return the deadline of each QMP step */
    public Duration stepTimeout() {
        return stepTimeout;
    }

    /** @return how often progress is sampled */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** @return how long the migration may make no progress before it is taken for stalled */
    public Duration stallTimeout() {
        return stallTimeout;
    }

    /** @return how long a lost monitor connection may take to come back (zero: not at all) */
    public Duration reconnect() {
        return reconnect;
    }

    /** @return the progress listener */
    public Consumer<? super MigrationProgress> progressListener() {
        return progressListener;
    }

    /** @return the job's listener (one that does nothing when none was set) */
    public MigrationListener listener() {
        return listener;
    }
}
