package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code add-fd}: adds the descriptor passed with it to an fd set. Sent by
 * {@link io.qmp4j.core.QmpClient#addFd}, which passes the descriptor.
 *
 * @param fdsetId the fd set to add to, or {@code null} for a new one
 * @param opaque free text stored with the descriptor, or {@code null}
 * @since 0.1
 */
public record AddFd(@JsonProperty("fdset-id") Long fdsetId, String opaque) implements QmpCommand<AddFd.Result> {

    /** @return arguments for a new fd set, without opaque text */
    public static AddFd newSet() {
        return new AddFd(null, null);
    }

    @Override
    public String commandName() {
        return "add-fd";
    }

    @Override
    public Type resultType() {
        return Result.class;
    }

    /**
     * QAPI's {@code AddfdInfo}.
     *
     * @param fdsetId the fd set the descriptor was added to
     * @param fd QEMU's number for the descriptor
     */
    public record Result(@JsonProperty("fdset-id") long fdsetId, long fd) {
    }
}
