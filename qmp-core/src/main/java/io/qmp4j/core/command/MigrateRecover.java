package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code migrate-recover}: on the destination, resumes a paused post-copy migration from a new address (out of band).
 *
 * @param uri where to listen
 * @since 0.1
 */
public record MigrateRecover(String uri) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public MigrateRecover {
        Objects.requireNonNull(uri, "uri");
    }

    @Override
    public String commandName() {
        return "migrate-recover";
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
