package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code migrate}: starts migrating to a destination that listens ({@code migrate-incoming}).
 * QEMU answers at once; the migration then reports through {@code MIGRATION} events and
 * {@code query-migrate}.
 *
 * @param uri where to, e.g. {@code tcp:127.0.0.1:4444}, {@code unix:/path}, {@code fd:NAME}
 * @param blk block migration (deprecated by QEMU; prefer NBD mirroring), or {@code null}
 * @param inc incremental block migration, or {@code null}
 * @param detach ignored by QEMU, or {@code null}
 * @param resume resume a paused post-copy migration, or {@code null}
 * @since 0.1
 */
public record Migrate(String uri, Boolean blk, Boolean inc, Boolean detach, Boolean resume) implements QmpCommand<Void> {

    /** @param uri must not be {@code null} */
    public Migrate {
        Objects.requireNonNull(uri, "uri");
    }

    /** @param uri where to migrate */
    public Migrate(String uri) {
        this(uri, null, null, null, null);
    }

    @Override
    public String commandName() {
        return "migrate";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
