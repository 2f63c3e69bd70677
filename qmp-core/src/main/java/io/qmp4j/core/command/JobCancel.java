package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code job-cancel}: cancels a job.
 *
 * @param id the job id
 * @since 0.1
 */
public record JobCancel(String id) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public JobCancel {
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String commandName() {
        return "job-cancel";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
