package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code blockdev-create}: creates an image on a block node, as a job.
 *
 * @param jobId the job id
 * @param options the {@code BlockdevCreateOptions}, e.g. {@code {"driver":"qcow2","file":"f0","size":1073741824}}
 * @since 0.1
 */
public record BlockdevCreate(@JsonProperty("job-id") String jobId, ObjectNode options) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public BlockdevCreate {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(options, "options");
    }

    @Override
    public String commandName() {
        return "blockdev-create";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
