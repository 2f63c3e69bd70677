package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code job-dismiss}: removes a concluded job.
 *
 * @param id the job id
 * @since 0.1
 */
public record JobDismiss(String id) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public JobDismiss {
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String commandName() {
        return "job-dismiss";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
