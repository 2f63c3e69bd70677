package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code object-del}: deletes a QOM object added with {@code object-add}.
 *
 * @param id the object's id
 * @since 0.1
 */
public record ObjectDel(String id) implements QmpCommand<Void> {
    /** Checks the mandatory arguments. */
    public ObjectDel {
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String commandName() {
        return "object-del";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
