package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-block-jobs}: the running block jobs.
 *
 * @since 0.1
 */
public record QueryBlockJobs() implements QmpCommand<List<BlockJobInfo>> {
    @Override
    public String commandName() {
        return "query-block-jobs";
    }

    @Override
    public Type resultType() {
        return Types.listOf(BlockJobInfo.class);
    }
}
