package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-machines}: the machine types this QEMU offers.
 *
 * @since 0.1
 */
public record QueryMachines() implements QmpCommand<List<MachineInfo>> {
    @Override
    public String commandName() {
        return "query-machines";
    }

    @Override
    public Type resultType() {
        return Types.listOf(MachineInfo.class);
    }
}
