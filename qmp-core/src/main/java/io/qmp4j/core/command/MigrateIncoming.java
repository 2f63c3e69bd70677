package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code migrate-incoming}: starts listening for an incoming migration (QEMU started with {@code -incoming defer}).
 *
 * @param uri where to listen, e.g. {@code tcp:127.0.0.1:4444} or {@code unix:/path}
 * @since 0.1
 */
public record MigrateIncoming(String uri) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public MigrateIncoming {
        Objects.requireNonNull(uri, "uri");
    }

    @Override
    public String commandName() {
        return "migrate-incoming";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
