package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code query-status}: whether the guest runs, and QEMU's run state.
 *
 * @since 0.1
 */
public record QueryStatus() implements QmpCommand<StatusInfo> {
    @Override
    public String commandName() {
        return "query-status";
    }

    @Override
    public Type resultType() {
        return StatusInfo.class;
    }
}
