package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;

/**
 * {@code system_powerdown}: asks the guest to power down (ACPI); QEMU emits {@code POWERDOWN}.
 *
 * @since 0.1
 */
public record SystemPowerdown() implements QmpCommand<Void> {
    @Override
    public String commandName() {
        return "system_powerdown";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
