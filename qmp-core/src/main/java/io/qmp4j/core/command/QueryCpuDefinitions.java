package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-cpu-definitions}: the CPU models this QEMU offers.
 *
 * @since 0.1
 */
public record QueryCpuDefinitions() implements QmpCommand<List<CpuDefinitionInfo>> {
    @Override
    public String commandName() {
        return "query-cpu-definitions";
    }

    @Override
    public Type resultType() {
        return Types.listOf(CpuDefinitionInfo.class);
    }
}
