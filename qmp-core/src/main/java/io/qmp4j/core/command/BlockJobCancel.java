package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code block-job-cancel}: cancels a block job; a ready mirror then stops with its target in sync with the source.
 *
 * @param device the job id (or device)
 * @param force cancel even a paused job, and a ready mirror without completing; optional
 * @since 0.1
 */
public record BlockJobCancel(String device, Boolean force) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public BlockJobCancel {
        Objects.requireNonNull(device, "device");
    }

    /**
     * With the optional arguments left out.
     *
     * @param device see the record
     */
    public BlockJobCancel(String device) {
        this(device, null);
    }

    @Override
    public String commandName() {
        return "block-job-cancel";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
