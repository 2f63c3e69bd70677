package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-migrate-capabilities}: the state of every migration capability.
 *
 * @since 0.1
 */
public record QueryMigrateCapabilities() implements QmpCommand<List<MigrationCapabilityStatus>> {
    @Override
    public String commandName() {
        return "query-migrate-capabilities";
    }

    @Override
    public Type resultType() {
        return Types.listOf(MigrationCapabilityStatus.class);
    }
}
