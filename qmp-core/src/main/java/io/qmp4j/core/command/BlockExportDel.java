package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code block-export-del}: removes a block export.
 *
 * @param id the export id
 * @param mode {@code safe} or {@code hard}; optional
 * @since 0.1
 */
public record BlockExportDel(String id, String mode) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public BlockExportDel {
        Objects.requireNonNull(id, "id");
    }

    /**
     * With the optional arguments left out.
     *
     * @param id see the record
     */
    public BlockExportDel(String id) {
        this(id, null);
    }

    @Override
    public String commandName() {
        return "block-export-del";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
