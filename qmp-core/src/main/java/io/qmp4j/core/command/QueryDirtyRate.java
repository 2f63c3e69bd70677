package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code query-dirty-rate}: the result of the last {@code calc-dirty-rate}.
 *
 * @since 0.1
 */
public record QueryDirtyRate() implements QmpCommand<DirtyRateInfo> {
    @Override
    public String commandName() {
        return "query-dirty-rate";
    }

    @Override
    public Type resultType() {
        return DirtyRateInfo.class;
    }
}
