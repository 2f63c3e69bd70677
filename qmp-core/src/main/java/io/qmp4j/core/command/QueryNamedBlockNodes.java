package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-named-block-nodes}: the named block nodes.
 *
 * @param flat only the nodes themselves, without their backing chains; optional
 * @since 0.1
 */
public record QueryNamedBlockNodes(Boolean flat) implements QmpCommand<List<BlockDeviceInfo>> {
    /**
     * With the optional arguments left out.
     */
    public QueryNamedBlockNodes() {
        this(null);
    }

    @Override
    public String commandName() {
        return "query-named-block-nodes";
    }

    @Override
    public Type resultType() {
        return Types.listOf(BlockDeviceInfo.class);
    }
}
