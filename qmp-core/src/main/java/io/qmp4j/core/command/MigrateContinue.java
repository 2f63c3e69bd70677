package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code migrate-continue}: continues a migration paused by {@code pause-before-switchover}.
 *
 * @param state the state it is paused in, e.g. {@code pre-switchover}
 * @since 0.1
 */
public record MigrateContinue(String state) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public MigrateContinue {
        Objects.requireNonNull(state, "state");
    }

    @Override
    public String commandName() {
        return "migrate-continue";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
