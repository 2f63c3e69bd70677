package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An element of the reply to {@code query-fdsets}.
 *
 * @param fdsetId the fd set's id
 * @param fds its descriptors
 * @since 0.1
 */
public record FdsetInfo(@JsonProperty("fdset-id") long fdsetId, List<Fd> fds) {

    /**
     * A descriptor in an fd set.
     *
     * @param fd QEMU's number for it
     * @param opaque the text given with {@code add-fd}, or {@code null}
     */
    public record Fd(long fd, String opaque) {
    }
}
