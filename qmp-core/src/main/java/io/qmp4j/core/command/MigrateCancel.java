package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code migrate_cancel}: cancels the outgoing migration.
 *
 * @since 0.1
 */
public record MigrateCancel() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "migrate_cancel";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
