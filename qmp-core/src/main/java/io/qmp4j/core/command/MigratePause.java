package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code migrate-pause}: pauses a post-copy migration (out of band).
 *
 * @since 0.1
 */
public record MigratePause() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "migrate-pause";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }

    @Override
    public boolean allowOob() {
        return true;
    }
}
