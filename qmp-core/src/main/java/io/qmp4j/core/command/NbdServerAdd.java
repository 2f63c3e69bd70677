package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code nbd-server-add}: exports a block device over the NBD server (deprecated in favour of {@code block-export-add}).
 *
 * @param device the device or node to export
 * @param name the export name; default the device name; optional
 * @param description free text; optional
 * @param writable whether clients may write; optional
 * @param bitmap a dirty bitmap to export; optional
 * @since 0.1
 */
public record NbdServerAdd(String device, String name, String description, Boolean writable, String bitmap) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public NbdServerAdd {
        Objects.requireNonNull(device, "device");
    }

    /**
     * With the optional arguments left out.
     *
     * @param device see the record
     */
    public NbdServerAdd(String device) {
        this(device, null, null, null, null);
    }

    @Override
    public String commandName() {
        return "nbd-server-add";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
