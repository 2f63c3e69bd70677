package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code query-memory-size-summary}: the guest's RAM size.
 *
 * @since 0.1
 */
public record QueryMemorySizeSummary() implements QmpCommand<MemoryInfo> {
    @Override
    public String commandName() {
        return "query-memory-size-summary";
    }

    @Override
    public Type resultType() {
        return MemoryInfo.class;
    }
}
