package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code nbd-server-remove}: removes an NBD export (deprecated in favour of {@code block-export-del}).
 *
 * @param name the export name
 * @param mode {@code safe} or {@code hard}; optional
 * @since 0.1
 */
public record NbdServerRemove(String name, String mode) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public NbdServerRemove {
        Objects.requireNonNull(name, "name");
    }

    /**
     * With the optional arguments left out.
     *
     * @param name see the record
     */
    public NbdServerRemove(String name) {
        this(name, null);
    }

    @Override
    public String commandName() {
        return "nbd-server-remove";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
