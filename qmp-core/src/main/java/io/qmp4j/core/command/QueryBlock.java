package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-block}: the block devices.
 *
 * @since 0.1
 */
public record QueryBlock() implements QmpCommand<List<BlockInfo>> {
    @Override
    public String commandName() {
        return "query-block";
    }

    @Override
    public Type resultType() {
        return Types.listOf(BlockInfo.class);
    }
}
