package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Migration parameters: what {@code migrate-set-parameters} sets and
 * {@code query-migrate-parameters} returns. Every member of QEMU 7.2's
 * {@code MigrationParameters}, plus openEuler's {@code compress-method}. Members left
 * {@code null} are not sent, so setting changes only what is given; members a QEMU does not
 * have are refused by the client's schema check before anything is sent.
 *
 * <pre>{@code
 * MigrationParameters p = MigrationParameters.builder()
 *         .maxBandwidth(MigrationParameters.mebibytesPerSecond(512))
 *         .downtimeLimit(300)
 *         .multifdChannels(4)
 *         .build();
 * client.execute(new MigrateSetParameters(p));
 * }</pre>
 *
 * @param announceInitial initial delay of self-announcement packets after migration, ms (default 50); {@code null}: not set
 * @param announceMax largest delay between announcement packets, ms (default 550); {@code null}: not set
 * @param announceRounds how many announcement rounds (default 5); {@code null}: not set
 * @param announceStep increase of the delay between rounds, ms (default 100); {@code null}: not set
 * @param compressLevel zlib level 0-9 of the {@code compress} capability (QEMU up to 9.0); {@code null}: not set
 * @param compressThreads compression threads of the {@code compress} capability (default 8); {@code null}: not set
 * @param compressWaitThread whether to wait for a free compression thread instead of sending uncompressed (default true); {@code null}: not set
 * @param decompressThreads decompression threads on the destination (default 2); {@code null}: not set
 * @param compressMethod compression method of the {@code compress} capability: {@code zlib} or {@code zstd}; an openEuler extension, absent from upstream QEMU; {@code null}: not set
 * @param throttleTriggerThreshold dirty/transferred ratio, in percent, that starts auto-converge throttling (default 50); {@code null}: not set
 * @param cpuThrottleInitial initial vCPU throttle of auto-converge, percent (default 20); {@code null}: not set
 * @param cpuThrottleIncrement throttle increase per step of auto-converge, percent (default 10); {@code null}: not set
 * @param cpuThrottleTailslow whether to slow the throttle increase near the end (default false); {@code null}: not set
 * @param tlsCreds id of a {@code tls-creds-x509} object to encrypt the migration with; empty for none; {@code null}: not set
 * @param tlsHostname the host name to check the destination's certificate against; empty for the migration host; {@code null}: not set
 * @param tlsAuthz id of an authz object that checks the client certificate on the destination; {@code null}: not set
 * @param maxBandwidth bandwidth limit of pre-copy, bytes per second (QEMU 7.2 default: 128 MiB/s); {@code null}: not set
 * @param downtimeLimit the longest pause allowed at switchover, ms (default 300); {@code null}: not set
 * @param xCheckpointDelay COLO checkpoint interval, ms; {@code null}: not set
 * @param blockIncremental whether block migration copies only the top image; {@code null}: not set
 * @param multifdChannels parallel migration channels of the {@code multifd} capability (default 2); {@code null}: not set
 * @param xbzrleCacheSize XBZRLE cache size, bytes (default 64 MiB); {@code null}: not set
 * @param maxPostcopyBandwidth bandwidth limit of post-copy, bytes per second; 0 for unlimited; {@code null}: not set
 * @param maxCpuThrottle highest vCPU throttle auto-converge may reach, percent (default 99); {@code null}: not set
 * @param multifdCompression compression of multifd channels: {@code none}, {@code zlib}, {@code zstd}; {@code null}: not set
 * @param multifdZlibLevel zlib level of multifd, 0-9 (default 1); {@code null}: not set
 * @param multifdZstdLevel zstd level of multifd, 0-20 (default 1); {@code null}: not set
 * @param blockBitmapMapping mapping of dirty bitmaps between source and destination nodes; {@code null}: not set
 * @since 0.1
 */
public record MigrationParameters(
        @JsonProperty("announce-initial") Long announceInitial,
        @JsonProperty("announce-max") Long announceMax,
        @JsonProperty("announce-rounds") Long announceRounds,
        @JsonProperty("announce-step") Long announceStep,
        @JsonProperty("compress-level") Long compressLevel,
        @JsonProperty("compress-threads") Long compressThreads,
        @JsonProperty("compress-wait-thread") Boolean compressWaitThread,
        @JsonProperty("decompress-threads") Long decompressThreads,
        @JsonProperty("compress-method") String compressMethod,
        @JsonProperty("throttle-trigger-threshold") Long throttleTriggerThreshold,
        @JsonProperty("cpu-throttle-initial") Long cpuThrottleInitial,
        @JsonProperty("cpu-throttle-increment") Long cpuThrottleIncrement,
        @JsonProperty("cpu-throttle-tailslow") Boolean cpuThrottleTailslow,
        @JsonProperty("tls-creds") String tlsCreds,
        @JsonProperty("tls-hostname") String tlsHostname,
        @JsonProperty("tls-authz") String tlsAuthz,
        @JsonProperty("max-bandwidth") Long maxBandwidth,
        @JsonProperty("downtime-limit") Long downtimeLimit,
        @JsonProperty("x-checkpoint-delay") Long xCheckpointDelay,
        @JsonProperty("block-incremental") Boolean blockIncremental,
        @JsonProperty("multifd-channels") Long multifdChannels,
        @JsonProperty("xbzrle-cache-size") Long xbzrleCacheSize,
        @JsonProperty("max-postcopy-bandwidth") Long maxPostcopyBandwidth,
        @JsonProperty("max-cpu-throttle") Long maxCpuThrottle,
        @JsonProperty("multifd-compression") String multifdCompression,
        @JsonProperty("multifd-zlib-level") Long multifdZlibLevel,
        @JsonProperty("multifd-zstd-level") Long multifdZstdLevel,
        @JsonProperty("block-bitmap-mapping") JsonNode blockBitmapMapping) {

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder with this object's values, to derive a variant */
    public Builder toBuilder() {
        Builder b = new Builder();
            b.announceInitial = announceInitial;
            b.announceMax = announceMax;
            b.announceRounds = announceRounds;
            b.announceStep = announceStep;
            b.compressLevel = compressLevel;
            b.compressThreads = compressThreads;
            b.compressWaitThread = compressWaitThread;
            b.decompressThreads = decompressThreads;
            b.compressMethod = compressMethod;
            b.throttleTriggerThreshold = throttleTriggerThreshold;
            b.cpuThrottleInitial = cpuThrottleInitial;
            b.cpuThrottleIncrement = cpuThrottleIncrement;
            b.cpuThrottleTailslow = cpuThrottleTailslow;
            b.tlsCreds = tlsCreds;
            b.tlsHostname = tlsHostname;
            b.tlsAuthz = tlsAuthz;
            b.maxBandwidth = maxBandwidth;
            b.downtimeLimit = downtimeLimit;
            b.xCheckpointDelay = xCheckpointDelay;
            b.blockIncremental = blockIncremental;
            b.multifdChannels = multifdChannels;
            b.xbzrleCacheSize = xbzrleCacheSize;
            b.maxPostcopyBandwidth = maxPostcopyBandwidth;
            b.maxCpuThrottle = maxCpuThrottle;
            b.multifdCompression = multifdCompression;
            b.multifdZlibLevel = multifdZlibLevel;
            b.multifdZstdLevel = multifdZstdLevel;
            b.blockBitmapMapping = blockBitmapMapping;
        return b;
    }

    /**
     * @param mib mebibytes per second, as virsh's {@code migrate-setspeed} takes them
     * @return bytes per second, for {@code max-bandwidth}
     */
    public static long mebibytesPerSecond(long mib) {
        return Math.multiplyExact(mib, 1024L * 1024L);
    }

    /**
     * @param mbit megabits per second (10^6 bits), as network links are rated
     * @return bytes per second, for {@code max-bandwidth}
     */
    public static long megabitsPerSecond(long mbit) {
        return Math.multiplyExact(mbit, 1_000_000L) / 8;
    }

    /** @return {@code multifd-compression} as a value; {@code null} when not set */
    public MultiFdCompression multifdCompressionValue() {
        return multifdCompression == null ? null : MultiFdCompression.of(multifdCompression);
    }

    /**
     * Builds {@link MigrationParameters}; every member starts unset.
     */
    public static final class Builder {
        private Long announceInitial;
        private Long announceMax;
        private Long announceRounds;
        private Long announceStep;
        private Long compressLevel;
        private Long compressThreads;
        private Boolean compressWaitThread;
        private Long decompressThreads;
        private String compressMethod;
        private Long throttleTriggerThreshold;
        private Long cpuThrottleInitial;
        private Long cpuThrottleIncrement;
        private Boolean cpuThrottleTailslow;
        private String tlsCreds;
        private String tlsHostname;
        private String tlsAuthz;
        private Long maxBandwidth;
        private Long downtimeLimit;
        private Long xCheckpointDelay;
        private Boolean blockIncremental;
        private Long multifdChannels;
        private Long xbzrleCacheSize;
        private Long maxPostcopyBandwidth;
        private Long maxCpuThrottle;
        private String multifdCompression;
        private Long multifdZlibLevel;
        private Long multifdZstdLevel;
        private JsonNode blockBitmapMapping;

        private Builder() {
        }

        /**
         * @param value initial delay of self-announcement packets after migration, ms (default 50)
         * @return this builder
         */
        public Builder announceInitial(long value) {
            this.announceInitial = value;
            return this;
        }

        /**
         * @param value largest delay between announcement packets, ms (default 550)
         * @return this builder
         */
        public Builder announceMax(long value) {
            this.announceMax = value;
            return this;
        }

        /**
         * @param value how many announcement rounds (default 5)
         * @return this builder
         */
        public Builder announceRounds(long value) {
            this.announceRounds = value;
            return this;
        }

        /**
         * @param value increase of the delay between rounds, ms (default 100)
         * @return this builder
         */
        public Builder announceStep(long value) {
            this.announceStep = value;
            return this;
        }

        /**
         * @param value zlib level 0-9 of the {@code compress} capability (QEMU up to 9.0)
         * @return this builder
         */
        public Builder compressLevel(long value) {
            this.compressLevel = value;
            return this;
        }

        /**
         * @param value compression threads of the {@code compress} capability (default 8)
         * @return this builder
         */
        public Builder compressThreads(long value) {
            this.compressThreads = value;
            return this;
        }

        /**
         * @param value whether to wait for a free compression thread instead of sending uncompressed (default true)
         * @return this builder
         */
        public Builder compressWaitThread(boolean value) {
            this.compressWaitThread = value;
            return this;
        }

        /**
         * @param value decompression threads on the destination (default 2)
         * @return this builder
         */
        public Builder decompressThreads(long value) {
            this.decompressThreads = value;
            return this;
        }

        /**
         * @param value compression method of the {@code compress} capability: {@code zlib} or {@code zstd}; an openEuler extension, absent from upstream QEMU
         * @return this builder
         */
        public Builder compressMethod(String value) {
            this.compressMethod = value;
            return this;
        }

        /**
         * @param value dirty/transferred ratio, in percent, that starts auto-converge throttling (default 50)
         * @return this builder
         */
        public Builder throttleTriggerThreshold(long value) {
            this.throttleTriggerThreshold = value;
            return this;
        }

        /**
         * @param value initial vCPU throttle of auto-converge, percent (default 20)
         * @return this builder
         */
        public Builder cpuThrottleInitial(long value) {
            this.cpuThrottleInitial = value;
            return this;
        }

        /**
         * @param value throttle increase per step of auto-converge, percent (default 10)
         * @return this builder
         */
        public Builder cpuThrottleIncrement(long value) {
            this.cpuThrottleIncrement = value;
            return this;
        }

        /**
         * @param value whether to slow the throttle increase near the end (default false)
         * @return this builder
         */
        public Builder cpuThrottleTailslow(boolean value) {
            this.cpuThrottleTailslow = value;
            return this;
        }

        /**
         * @param value id of a {@code tls-creds-x509} object to encrypt the migration with; empty for none
         * @return this builder
         */
        public Builder tlsCreds(String value) {
            this.tlsCreds = value;
            return this;
        }

        /**
         * @param value the host name to check the destination's certificate against; empty for the migration host
         * @return this builder
         */
        public Builder tlsHostname(String value) {
            this.tlsHostname = value;
            return this;
        }

        /**
         * @param value id of an authz object that checks the client certificate on the destination
         * @return this builder
         */
        public Builder tlsAuthz(String value) {
            this.tlsAuthz = value;
            return this;
        }

        /**
         * @param value bandwidth limit of pre-copy, bytes per second (QEMU 7.2 default: 128 MiB/s)
         * @return this builder
         */
        public Builder maxBandwidth(long value) {
            this.maxBandwidth = value;
            return this;
        }

        /**
         * @param value the longest pause allowed at switchover, ms (default 300)
         * @return this builder
         */
        public Builder downtimeLimit(long value) {
            this.downtimeLimit = value;
            return this;
        }

        /**
         * @param value COLO checkpoint interval, ms
         * @return this builder
         */
        public Builder xCheckpointDelay(long value) {
            this.xCheckpointDelay = value;
            return this;
        }

        /**
         * @param value whether block migration copies only the top image
         * @return this builder
         */
        public Builder blockIncremental(boolean value) {
            this.blockIncremental = value;
            return this;
        }

        /**
         * @param value parallel migration channels of the {@code multifd} capability (default 2)
         * @return this builder
         */
        public Builder multifdChannels(long value) {
            this.multifdChannels = value;
            return this;
        }

        /**
         * @param value XBZRLE cache size, bytes (default 64 MiB)
         * @return this builder
         */
        public Builder xbzrleCacheSize(long value) {
            this.xbzrleCacheSize = value;
            return this;
        }

        /**
         * @param value bandwidth limit of post-copy, bytes per second; 0 for unlimited
         * @return this builder
         */
        public Builder maxPostcopyBandwidth(long value) {
            this.maxPostcopyBandwidth = value;
            return this;
        }

        /**
         * @param value highest vCPU throttle auto-converge may reach, percent (default 99)
         * @return this builder
         */
        public Builder maxCpuThrottle(long value) {
            this.maxCpuThrottle = value;
            return this;
        }

        /**
         * @param value compression of multifd channels: {@code none}, {@code zlib}, {@code zstd}
         * @return this builder
         */
        public Builder multifdCompression(String value) {
            this.multifdCompression = value;
            return this;
        }

        /**
         * @param value zlib level of multifd, 0-9 (default 1)
         * @return this builder
         */
        public Builder multifdZlibLevel(long value) {
            this.multifdZlibLevel = value;
            return this;
        }

        /**
         * @param value zstd level of multifd, 0-20 (default 1)
         * @return this builder
         */
        public Builder multifdZstdLevel(long value) {
            this.multifdZstdLevel = value;
            return this;
        }

        /**
         * @param value mapping of dirty bitmaps between source and destination nodes
         * @return this builder
         */
        public Builder blockBitmapMapping(JsonNode value) {
            this.blockBitmapMapping = value;
            return this;
        }

        /**
         * @param value the multifd compression
         * @return this builder
         */
        public Builder multifdCompression(MultiFdCompression value) {
            if (value == MultiFdCompression.UNKNOWN) {
                throw new IllegalArgumentException("UNKNOWN is not a compression");
            }
            this.multifdCompression = value.qapiName();
            return this;
        }

        /** @return the parameters */
        public MigrationParameters build() {
            return new MigrationParameters(announceInitial, announceMax, announceRounds, announceStep, compressLevel, compressThreads, compressWaitThread, decompressThreads, compressMethod, throttleTriggerThreshold, cpuThrottleInitial, cpuThrottleIncrement, cpuThrottleTailslow, tlsCreds, tlsHostname, tlsAuthz, maxBandwidth, downtimeLimit, xCheckpointDelay, blockIncremental, multifdChannels, xbzrleCacheSize, maxPostcopyBandwidth, maxCpuThrottle, multifdCompression, multifdZlibLevel, multifdZstdLevel, blockBitmapMapping);
        }
    }
}
