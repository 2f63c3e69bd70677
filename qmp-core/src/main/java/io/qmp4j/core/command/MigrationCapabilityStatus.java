package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A migration capability and whether it is on: an element of {@code migrate-set-capabilities}
 * and of the reply to {@code query-migrate-capabilities}.
 *
 * @param capabilityName the capability as QEMU spells it
 * @param state whether it is on
 * @since 0.1
 */
public record MigrationCapabilityStatus(@JsonProperty("capability") String capabilityName, boolean state) {

    /** @param capabilityName must not be {@code null} */
    public MigrationCapabilityStatus {
        Objects.requireNonNull(capabilityName, "capability");
    }

    /**
     * @param capability a capability
     * @param state on or off
     * @return the pair
     */
    public static MigrationCapabilityStatus of(MigrationCapability capability, boolean state) {
        if (capability == MigrationCapability.UNKNOWN) {
            throw new IllegalArgumentException("UNKNOWN is not a capability");
        }
        return new MigrationCapabilityStatus(capability.qapiName(), state);
    }

    /** @return the capability; {@link MigrationCapability#UNKNOWN} for one this library does not know */
    public MigrationCapability capability() {
        return MigrationCapability.of(capabilityName);
    }
}
