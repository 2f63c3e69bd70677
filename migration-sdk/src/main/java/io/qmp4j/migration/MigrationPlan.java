package io.qmp4j.migration;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.command.MigrationCapability;
import io.qmp4j.core.command.MigrationParameters;
import io.qmp4j.core.command.MultiFdCompression;
import io.qmp4j.migration.check.PreflightCheck;
import io.qmp4j.migration.internal.MigrationRunner;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A validated, immutable migration plan: what {@link Migration.Builder#build()} returns.
 * {@link #start()} runs it; a plan can be started again (against a new destination) after a
 * failure.
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
    private final Optional<Duration> timeout;
    private final TimeoutAction timeoutAction;
    private final boolean unsafe;
    private final List<PreflightCheck> checks;
    private final Migration.DestinationPolicy onFailure;
    private final Duration stepTimeout;
    private final Duration pollInterval;
    private final Duration stallTimeout;
    private final Consumer<? super MigrationProgress> progressListener;
    private final Map<MigrationCapability, Boolean> sourceCapabilities;
    private final Map<MigrationCapability, Boolean> destinationCapabilities;
    private final MigrationParameters sourceParameters;
    private final MigrationParameters destinationParameters;

    MigrationPlan(Migration.Builder b) {
        this.source = b.source;
        this.destination = b.destination;
        this.uri = b.uri;
        this.listenUri = b.listenUri != null ? b.listenUri : b.uri;
        this.storage = b.storage;
        this.tls = Optional.ofNullable(b.tls);
        this.timeout = Optional.ofNullable(b.timeout);
        this.timeoutAction = b.timeoutAction;
        this.unsafe = b.unsafe;
        this.checks = b.checks;
        this.onFailure = b.onFailure;
        this.stepTimeout = b.stepTimeout;
        this.pollInterval = b.pollInterval;
        this.stallTimeout = b.stallTimeout;
        this.progressListener = b.progressListener;

        // Capabilities: multifd, compress, xbzrle (and postcopy-ram) on both sides; the rest on the source.
        Map<MigrationCapability, Boolean> both = new EnumMap<>(MigrationCapability.class);
        both.put(MigrationCapability.EVENTS, true);
        if (b.multifdChannels > 0) {
            both.put(MigrationCapability.MULTIFD, true);
        }
        if (b.compression instanceof Compression.Legacy) {
            both.put(MigrationCapability.COMPRESS, true);
        }
        if (b.xbzrleCacheBytes != null) {
            both.put(MigrationCapability.XBZRLE, true);
        }
        if (b.timeout != null && b.timeoutAction == TimeoutAction.POSTCOPY) {
            both.put(MigrationCapability.POSTCOPY_RAM, true);
        }
        Map<MigrationCapability, Boolean> src = new EnumMap<>(both);
        if (b.autoConverge != null) {
            src.put(MigrationCapability.AUTO_CONVERGE, true);
        }
        Map<MigrationCapability, Boolean> dstCaps = new EnumMap<>(both);
        if (b.storage instanceof Storage.Copy) {
            // libvirt's order: the source stops at pre-switchover so that the mirrors end while it
            // is paused; the destination activates its disks only when it resumes.
            src.put(MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true);
            dstCaps.put(MigrationCapability.LATE_BLOCK_ACTIVATE, true);
        }
        this.sourceCapabilities = Map.copyOf(src);
        this.destinationCapabilities = Map.copyOf(dstCaps);

        // Parameters: the channel count and compression on both sides; limits on the source.
        MigrationParameters.Builder dst = MigrationParameters.builder();
        MigrationParameters.Builder sp = b.extraParameters == null ? MigrationParameters.builder() : b.extraParameters.toBuilder();
        sp.maxBandwidth(b.bandwidth);
        if (b.maxDowntime != null) {
            sp.downtimeLimit(b.maxDowntime.toMillis());
        }
        if (b.multifdChannels > 0) {
            sp.multifdChannels(b.multifdChannels);
            dst.multifdChannels(b.multifdChannels);
        }
        if (b.compression instanceof Compression.Multifd m) {
            sp.multifdCompression(m.method());
            dst.multifdCompression(m.method());
            if (m.method() == MultiFdCompression.ZLIB) {
                sp.multifdZlibLevel(m.level());
            } else {
                sp.multifdZstdLevel(m.level());
            }
        } else if (b.compression instanceof Compression.Legacy l) {
            sp.compressLevel(l.level()).compressThreads(l.threads());
            if (l.waitThread() != null) {
                sp.compressWaitThread(l.waitThread());
            }
            if (l.method() != null) {
                sp.compressMethod(l.method());
                dst.compressMethod(l.method());
            }
            dst.decompressThreads(l.decompressThreads());
        }
        if (b.autoConverge != null) {
            sp.cpuThrottleInitial(b.autoConverge.initialPercent()).cpuThrottleIncrement(b.autoConverge.incrementPercent())
                    .maxCpuThrottle(b.autoConverge.maxPercent()).cpuThrottleTailslow(b.autoConverge.tailslow());
        }
        if (b.xbzrleCacheBytes != null) {
            sp.xbzrleCacheSize(b.xbzrleCacheBytes);
        }
        if (b.tls != null) {
            sp.tlsCreds(MigrationRunner.TLS_ID);
            b.tls.hostname().ifPresent(sp::tlsHostname);
            dst.tlsCreds(MigrationRunner.TLS_ID);
            if (!b.tls.authorizedClients().isEmpty()) {
                dst.tlsAuthz(MigrationRunner.TLS_AUTHZ_ID);
            }
        }
        this.sourceParameters = sp.build();
        this.destinationParameters = dst.build();
    }

    /**
     * Starts the migration on a thread of its own. Pre-flight checks run first (unless the
     * plan is unsafe); nothing is changed on either QEMU before they pass.
     *
     * @return the handle of the running migration
     */
    public MigrationHandle start() {
        return MigrationRunner.start(this);
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

    /** @return whether the pre-flight checks are skipped */
    public boolean unsafe() {
        return unsafe;
    }

    /** @return the pre-flight checks */
    public List<PreflightCheck> checks() {
        return checks;
    }

    /** @return what happens to the destination after a failure */
    public Migration.DestinationPolicy onFailure() {
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

    /** @return the progress listener */
    public Consumer<? super MigrationProgress> progressListener() {
        return progressListener;
    }

    /** @return capabilities set on the source for the migration */
    public Map<MigrationCapability, Boolean> sourceCapabilities() {
        return sourceCapabilities;
    }

    /** @return capabilities set on the destination before it listens */
    public Map<MigrationCapability, Boolean> destinationCapabilities() {
        return destinationCapabilities;
    }

    /** @return parameters set on the source */
    public MigrationParameters sourceParameters() {
        return sourceParameters;
    }

    /** @return parameters set on the destination before it listens */
    public MigrationParameters destinationParameters() {
        return destinationParameters;
    }
}
