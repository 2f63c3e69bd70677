package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code block-job-complete}: completes a ready mirror: the target replaces the source.
 *
 * @param device the job id (or device)
 * @since 0.1
 */
public record BlockJobComplete(String device) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public BlockJobComplete {
        Objects.requireNonNull(device, "device");
    }

    @Override
    public String commandName() {
        return "block-job-complete";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
