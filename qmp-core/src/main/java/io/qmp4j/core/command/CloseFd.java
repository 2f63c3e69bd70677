package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code closefd}: closes a descriptor passed with {@code getfd}.
 *
 * @param fdname the descriptor's name
 * @since 0.1
 */
public record CloseFd(String fdname) implements QmpCommand<Void> {
    /** @param fdname must not be {@code null} */
    public CloseFd {
        Objects.requireNonNull(fdname, "fdname");
    }

    @Override
    public String commandName() {
        return "closefd";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
