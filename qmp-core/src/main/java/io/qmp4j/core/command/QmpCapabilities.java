package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code qmp_capabilities}: negotiates capabilities; sent by the client itself on connect, refused by QEMU afterwards.
 *
 * @param enable capabilities to enable, e.g. {@code ["oob"]}; optional
 * @since 0.1
 */
public record QmpCapabilities(List<String> enable) implements QmpCommand<Void> {
    /**
     * With the optional arguments left out.
     */
    public QmpCapabilities() {
        this(null);
    }

    @Override
    public String commandName() {
        return "qmp_capabilities";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
