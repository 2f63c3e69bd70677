package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-commands}: the commands this QEMU has.
 *
 * @since 0.1
 */
public record QueryCommands() implements QmpCommand<List<CommandInfo>> {
    @Override
    public String commandName() {
        return "query-commands";
    }

    @Override
    public Type resultType() {
        return Types.listOf(CommandInfo.class);
    }
}
