package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code migrate-set-capabilities}: turns migration capabilities on or off. Only the
 * capabilities given change. {@code multifd}, {@code compress}, {@code xbzrle} must be set on
 * both sides; {@code auto-converge} and {@code pause-before-switchover} on the source only.
 *
 * @param capabilities the capabilities and their states
 * @since 0.1
 */
public record MigrateSetCapabilities(List<MigrationCapabilityStatus> capabilities) implements QmpCommand<Void> {

    /** @param capabilities copied; must not be empty */
    public MigrateSetCapabilities {
        capabilities = List.copyOf(capabilities);
        if (capabilities.isEmpty()) {
            throw new IllegalArgumentException("no capability given");
        }
    }

    /**
     * @param states capability states
     * @return the command
     */
    public static MigrateSetCapabilities of(Map<MigrationCapability, Boolean> states) {
        List<MigrationCapabilityStatus> list = new ArrayList<>();
        states.forEach((c, s) -> list.add(MigrationCapabilityStatus.of(c, s)));
        return new MigrateSetCapabilities(list);
    }

    /**
     * @param capability a capability
     * @param state on or off
     * @return the command for one capability
     */
    public static MigrateSetCapabilities of(MigrationCapability capability, boolean state) {
        return new MigrateSetCapabilities(List.of(MigrationCapabilityStatus.of(capability, state)));
    }

    @Override
    public String commandName() {
        return "migrate-set-capabilities";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
