package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code quit}: QEMU exits right after it answers; the connection then closes.
 *
 * @since 0.1
 */
public record Quit() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "quit";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }

    /** QEMU may exit before its reply to {@code quit} is written: the disconnect is the answer. */
    @Override
    public boolean completesOnDisconnect() {
        return true;
    }
}
