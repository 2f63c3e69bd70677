package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code getfd}: names the descriptor received last. Sent by {@link io.qmp4j.core.QmpClient#sendFd},
 * which passes the descriptor with it; on its own it fails (QEMU has no descriptor).
 *
 * @param fdname the name to give the descriptor
 * @since 0.1
 */
public record GetFd(String fdname) implements QmpCommand<Void> {
    /** @param fdname must not be {@code null} */
    public GetFd {
        Objects.requireNonNull(fdname, "fdname");
    }

    @Override
    public String commandName() {
        return "getfd";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
