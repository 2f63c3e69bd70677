package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.schema.QmpSchema;
import java.lang.reflect.Type;

/**
 * {@code query-qmp-schema}: the QAPI schema of this QEMU. {@link io.qmp4j.core.QmpClient#schema()}
 * fetches and caches it.
 *
 * @since 0.1
 */
public record QueryQmpSchema() implements QmpCommand<QmpSchema> {
    @Override
    public String commandName() {
        return "query-qmp-schema";
    }

    @Override
    public Type resultType() {
        return QmpSchema.class;
    }
}
