package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code block-export-add} of type {@code nbd}: exports a block node over the running NBD server.
 *
 * @param type the export type; {@code nbd}
 * @param id the export's id (for {@code block-export-del})
 * @param nodeName the node to export
 * @param writable whether clients may write, or {@code null} (read-only)
 * @param writethrough whether writes are flushed before they complete, or {@code null}
 * @param name the NBD export name clients ask for, or {@code null} (the node name)
 * @param description free text, or {@code null}
 * @since 0.1
 */
public record BlockExportAdd(String type, String id, @JsonProperty("node-name") String nodeName, Boolean writable,
                             Boolean writethrough, String name, String description) implements QmpCommand<Void> {

    /** Checks the mandatory members. */
    public BlockExportAdd {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(nodeName, "nodeName");
    }

    /**
     * @param id the export's id
     * @param nodeName the node to export
     * @param exportName the NBD export name
     * @param writable whether clients may write
     * @return an NBD export
     */
    public static BlockExportAdd nbd(String id, String nodeName, String exportName, boolean writable) {
        return new BlockExportAdd("nbd", id, nodeName, writable, null, exportName, null);
    }

    @Override
    public String commandName() {
        return "block-export-add";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
