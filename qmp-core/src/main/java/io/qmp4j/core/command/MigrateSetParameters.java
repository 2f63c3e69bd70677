package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code migrate-set-parameters}: sets the parameters given; members left {@code null} are not
 * sent and keep their value.
 *
 * @param parameters the parameters to set
 * @since 0.1
 */
public record MigrateSetParameters(MigrationParameters parameters) implements QmpCommand<Void> {

    /** @param parameters must not be {@code null} */
    public MigrateSetParameters {
        Objects.requireNonNull(parameters, "parameters");
    }

    @Override
    public Object arguments() {
        return parameters;
    }

    @Override
    public String commandName() {
        return "migrate-set-parameters";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
