package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code nbd-server-stop}: stops the NBD server and all its exports.
 *
 * @since 0.1
 */
public record NbdServerStop() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "nbd-server-stop";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
