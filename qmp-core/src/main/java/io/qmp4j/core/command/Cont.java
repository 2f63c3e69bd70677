package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code cont}: resumes the guest; QEMU emits {@code RESUME}.
 *
 * @since 0.1
 */
public record Cont() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "cont";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
