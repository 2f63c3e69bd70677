package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code migrate-incoming}: starts listening for an incoming migration (QEMU started with {@code -incoming defer}).
 *
 * @param uri where to listen, e.g. {@code tcp:127.0.0.1:4444} or {@code unix:/path}
 * @param exitOnError QEMU 9.1 and newer: whether QEMU exits when the incoming migration fails
 *                    (its default, and what older QEMUs always do); {@code false} keeps it running
 *                    with the failure readable in {@code query-migrate}; {@code null} leaves it out
 * @since 0.1
 */
public record MigrateIncoming(String uri, @JsonProperty("exit-on-error") Boolean exitOnError) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public MigrateIncoming {
        Objects.requireNonNull(uri, "uri");
    }

    /** @param uri where to listen; QEMU's default for everything else */
    public MigrateIncoming(String uri) {
        this(uri, null);
    }

    /**
     * @param exit whether QEMU exits when the incoming migration fails (QEMU 9.1 and newer)
     * @return a copy with that choice
     */
    public MigrateIncoming withExitOnError(boolean exit) {
        return new MigrateIncoming(uri, exit);
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
