package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code system_reset}: resets the machine; QEMU emits {@code RESET}.
 *
 * @since 0.1
 */
public record SystemReset() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "system_reset";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
