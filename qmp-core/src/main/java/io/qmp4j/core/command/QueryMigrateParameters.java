package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code query-migrate-parameters}: the current migration parameters.
 *
 * @since 0.1
 */
public record QueryMigrateParameters() implements QmpCommand<MigrationParameters> {
    @Override
    public String commandName() {
        return "query-migrate-parameters";
    }

    @Override
    public Type resultType() {
        return MigrationParameters.class;
    }
}
