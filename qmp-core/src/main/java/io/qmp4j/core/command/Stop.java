package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code stop}: pauses the guest; QEMU emits {@code STOP}.
 *
 * @since 0.1
 */
public record Stop() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "stop";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
