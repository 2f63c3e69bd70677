package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-cpus-fast}: the vCPUs, without interrupting them.
 *
 * @since 0.1
 */
public record QueryCpusFast() implements QmpCommand<List<CpuInfoFast>> {
    @Override
    public String commandName() {
        return "query-cpus-fast";
    }

    @Override
    public Type resultType() {
        return Types.listOf(CpuInfoFast.class);
    }
}
