package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code block-job-change} (QEMU 8.2 and newer): changes a running block job's options. QEMU
 * takes options per job type; the one it has so far is a mirror's copy mode, so this record has
 * that one (see {@link #mirrorCopyMode(String, MirrorCopyMode)}). A QEMU without the command
 * refuses it before it is sent, through the schema check.
 *
 * @param id the job id
 * @param type the job type, {@code mirror}
 * @param copyMode a mirror's new copy mode; QEMU switches only from {@code background} to {@code write-blocking}
 * @see <a href="https://www.qemu.org/docs/master/interop/qemu-qmp-ref.html#command-QMP-block-core.block-job-change">QEMU: block-job-change</a>
 * @since 0.2
 */
public record BlockJobChange(String id, String type, @JsonProperty("copy-mode") MirrorCopyMode copyMode) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public BlockJobChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
    }

    /**
     * @param id the mirror job's id
     * @param mode the copy mode from now on
     * @return the command that switches a mirror's copy mode
     */
    public static BlockJobChange mirrorCopyMode(String id, MirrorCopyMode mode) {
        return new BlockJobChange(id, "mirror", Objects.requireNonNull(mode, "mode"));
    }

    @Override
    public String commandName() {
        return "block-job-change";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
