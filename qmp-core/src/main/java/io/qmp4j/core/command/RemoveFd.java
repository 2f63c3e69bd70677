package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code remove-fd}: removes a descriptor, or a whole fd set.
 *
 * @param fdsetId the fd set
 * @param fd the descriptor, or {@code null} for the whole set; optional
 * @since 0.1
 */
public record RemoveFd(@JsonProperty("fdset-id") long fdsetId, Long fd) implements QmpCommand<Void> {
    /**
     * With the optional arguments left out.
     *
     * @param fdsetId see the record
     */
    public RemoveFd(long fdsetId) {
        this(fdsetId, null);
    }

    @Override
    public String commandName() {
        return "remove-fd";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
