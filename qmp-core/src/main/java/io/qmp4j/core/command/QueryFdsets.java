package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-fdsets}: the fd sets and their descriptors.
 *
 * @since 0.1
 */
public record QueryFdsets() implements QmpCommand<List<FdsetInfo>> {
    @Override
    public String commandName() {
        return "query-fdsets";
    }

    @Override
    public Type resultType() {
        return Types.listOf(FdsetInfo.class);
    }
}
