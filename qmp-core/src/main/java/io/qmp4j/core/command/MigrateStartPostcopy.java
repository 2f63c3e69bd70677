package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code migrate-start-postcopy}: switches a running migration to post-copy.
 *
 * @since 0.1
 */
public record MigrateStartPostcopy() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "migrate-start-postcopy";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
