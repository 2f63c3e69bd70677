package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code blockdev-del}: deletes a block node added with {@code blockdev-add}.
 *
 * @param nodeName the node
 * @since 0.1
 */
public record BlockdevDel(@JsonProperty("node-name") String nodeName) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public BlockdevDel {
        Objects.requireNonNull(nodeName, "nodeName");
    }

    @Override
    public String commandName() {
        return "blockdev-del";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
