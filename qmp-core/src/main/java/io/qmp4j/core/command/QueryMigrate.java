package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code query-migrate}: the state and statistics of the migration.
 *
 * @since 0.1
 */
public record QueryMigrate() implements QmpCommand<MigrationInfo> {
    @Override
    public String commandName() {
        return "query-migrate";
    }

    @Override
    public Type resultType() {
        return MigrationInfo.class;
    }
}
