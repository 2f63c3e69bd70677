package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code blockdev-mirror}: starts mirroring a node to another node (e.g. an {@code nbd} node added with {@code blockdev-add}). The job reports {@code BLOCK_JOB_READY} once the target is in sync; then
 * {@link BlockJobCancel} stops it with the target holding the source's data, or
 * {@link BlockJobComplete} switches the device to the target.
 *
 * <pre>{@code
 * BlockdevMirror.builder("drive0", "target0").jobId("mirror-drive0").sync(MirrorSyncMode.FULL)
 *         .copyMode(MirrorCopyMode.WRITE_BLOCKING).build();
 * }</pre>
 *
 * @param jobId the job id (for block-job-* commands and events); default the device name; or {@code null}
 * @param device the source device or node
 * @param target the target node
 * @param replaces a node the target replaces on completion; or {@code null}
 * @param filterNodeName name for the mirror's filter node; or {@code null}
 * @param sync what to copy: {@code full} (everything), {@code top}, {@code none}
 * @param speed speed limit, bytes per second (0: none); or {@code null}
 * @param granularity dirty-bitmap granularity, bytes; or {@code null}
 * @param bufSize copy buffer size, bytes; or {@code null}
 * @param onSourceError what to do on a read error; or {@code null}
 * @param onTargetError what to do on a write error; or {@code null}
 * @param copyMode {@code background} or {@code write-blocking} (guest writes are copied synchronously, so that the mirror converges even when the guest writes faster than the copy); or {@code null}
 * @param autoFinalize whether the job finalizes by itself; or {@code null}
 * @param autoDismiss whether the job is dismissed by itself; or {@code null}
 * @since 0.1
 */
public record BlockdevMirror(
        @JsonProperty("job-id") String jobId,
        String device,
        String target,
        String replaces,
        @JsonProperty("filter-node-name") String filterNodeName,
        String sync,
        Long speed,
        Long granularity,
        @JsonProperty("buf-size") Long bufSize,
        @JsonProperty("on-source-error") String onSourceError,
        @JsonProperty("on-target-error") String onTargetError,
        @JsonProperty("copy-mode") String copyMode,
        @JsonProperty("auto-finalize") Boolean autoFinalize,
        @JsonProperty("auto-dismiss") Boolean autoDismiss) implements QmpCommand<Void> {

    /** Checks the mandatory members. */
    public BlockdevMirror {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(sync, "sync");
    }

    /**
     * @param device the source device or node
     * @param target the target node
     * @return a builder; {@code sync} defaults to {@code full}
     */
    public static Builder builder(String device, String target) {
        return new Builder(device, target);
    }

    @Override
    public String commandName() {
        return "blockdev-mirror";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }

    /** Builds a {@link BlockdevMirror}. */
    public static final class Builder extends MirrorBuilder<Builder> {
        private String filterNodeName;

        private Builder(String device, String target) {
            super(device, target);
        }

        /**
         * @param value name for the mirror's filter node
         * @return this builder
         */
        public Builder filterNodeName(String value) {
            this.filterNodeName = value;
            return this;
        }

        /** @return the command */
        public BlockdevMirror build() {
            return new BlockdevMirror(jobId, device, target, replaces, filterNodeName, sync, speed, granularity, bufSize, onSourceError, onTargetError, copyMode, autoFinalize, autoDismiss);
        }
    }
}
