package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code block-job-set-speed}: changes a block job's speed limit.
 *
 * @param device the job id (or device)
 * @param speed bytes per second; 0 for unlimited
 * @since 0.1
 */
public record BlockJobSetSpeed(String device, long speed) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public BlockJobSetSpeed {
        Objects.requireNonNull(device, "device");
    }

    @Override
    public String commandName() {
        return "block-job-set-speed";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
