package io.qmp4j.core.command;

import java.util.Objects;

/**
 * What {@link DriveMirror.Builder} and {@link BlockdevMirror.Builder} share: the options of a
 * mirror job. {@code sync} defaults to {@code full}.
 *
 * @param <B> the concrete builder
 * @since 0.1
 */
public abstract class MirrorBuilder<B extends MirrorBuilder<B>> {
    final String device;
    final String target;
    String jobId;
    String replaces;
    String sync;
    Long speed;
    Long granularity;
    Long bufSize;
    String onSourceError;
    String onTargetError;
    String copyMode;
    Boolean autoFinalize;
    Boolean autoDismiss;

    MirrorBuilder(String device, String target) {
        this.device = Objects.requireNonNull(device, "device");
        this.target = Objects.requireNonNull(target, "target");
        this.sync = MirrorSyncMode.FULL.qapiName();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * @param value the job id (for block-job-* commands and events); default the device name
     * @return this builder
     */
    public B jobId(String value) {
        this.jobId = value;
        return self();
    }

    /**
     * @param value a node the target replaces on completion
     * @return this builder
     */
    public B replaces(String value) {
        this.replaces = value;
        return self();
    }

    /**
     * @param value what to copy: {@code full} (everything), {@code top}, {@code none}
     * @return this builder
     */
    public B sync(String value) {
        this.sync = value;
        return self();
    }

    /**
     * @param value speed limit, bytes per second (0: none)
     * @return this builder
     */
    public B speed(long value) {
        this.speed = value;
        return self();
    }

    /**
     * @param value dirty-bitmap granularity, bytes
     * @return this builder
     */
    public B granularity(long value) {
        this.granularity = value;
        return self();
    }

    /**
     * @param value copy buffer size, bytes
     * @return this builder
     */
    public B bufSize(long value) {
        this.bufSize = value;
        return self();
    }

    /**
     * @param value what to do on a read error
     * @return this builder
     */
    public B onSourceError(String value) {
        this.onSourceError = value;
        return self();
    }

    /**
     * @param value what to do on a write error
     * @return this builder
     */
    public B onTargetError(String value) {
        this.onTargetError = value;
        return self();
    }

    /**
     * @param value {@code background} or {@code write-blocking} (guest writes are copied synchronously, so that the mirror converges even when the guest writes faster than the copy)
     * @return this builder
     */
    public B copyMode(String value) {
        this.copyMode = value;
        return self();
    }

    /**
     * @param value whether the job finalizes by itself
     * @return this builder
     */
    public B autoFinalize(boolean value) {
        this.autoFinalize = value;
        return self();
    }

    /**
     * @param value whether the job is dismissed by itself
     * @return this builder
     */
    public B autoDismiss(boolean value) {
        this.autoDismiss = value;
        return self();
    }

    /**
     * @param mode what to copy
     * @return this builder
     */
    public B sync(MirrorSyncMode mode) {
        return sync(mode.qapiName());
    }

    /**
     * @param mode how guest writes are handled
     * @return this builder
     */
    public B copyMode(MirrorCopyMode mode) {
        return copyMode(mode.qapiName());
    }
}
