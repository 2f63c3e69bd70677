package io.qmp4j.core.command;

import io.qmp4j.core.qapi.MigrateSetCapabilities;
import io.qmp4j.core.qapi.MigrateSetParameters;
import io.qmp4j.core.qapi.MigrateSetParametersCommand;
import io.qmp4j.core.qapi.MigrationCapability;
import io.qmp4j.core.qapi.MigrationCapabilityStatus;
import io.qmp4j.core.qapi.MigrationParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Helpers for the migration commands: bandwidth units, capability lists, and parameters as read
 * ({@code query-migrate-parameters}) set back ({@code migrate-set-parameters}).
 *
 * @since 0.9
 */
public final class Migrations {

    private Migrations() {
    }

    /**
     * @param mib mebibytes per second
     * @return bytes per second, the unit of {@code max-bandwidth}
     * @throws ArithmeticException on overflow
     */
    public static long mebibytesPerSecond(long mib) {
        return Math.multiplyExact(mib, 1024L * 1024L);
    }

    /**
     * @param mbit megabits (10^6 bits) per second
     * @return bytes per second, the unit of {@code max-bandwidth}
     * @throws ArithmeticException on overflow
     */
    public static long megabitsPerSecond(long mbit) {
        return Math.multiplyExact(mbit, 1_000_000L) / 8;
    }

    /**
     * @param states the capabilities to set, in order
     * @return {@code migrate-set-capabilities} for them
     */
    public static MigrateSetCapabilities capabilities(Map<MigrationCapability, Boolean> states) {
        List<MigrationCapabilityStatus> list = new ArrayList<>();
        states.forEach((c, s) -> list.add(new MigrationCapabilityStatus(c, s)));
        return new MigrateSetCapabilities(list);
    }

    /**
     * @param capability the capability
     * @param state on or off
     * @return {@code migrate-set-capabilities} for one capability
     */
    public static MigrateSetCapabilities capability(MigrationCapability capability, boolean state) {
        return new MigrateSetCapabilities(List.of(new MigrationCapabilityStatus(Objects.requireNonNull(capability), state)));
    }

    /**
     * Parameters as QEMU reported them, as arguments it takes back: the members are the same,
     * the TLS ones become {@code StrOrNull}, and members this library does not know pass as
     * sent.
     *
     * @param parameters what {@code query-migrate-parameters} returned, or a subset of it
     * @return {@code migrate-set-parameters} setting each member present
     */
    public static MigrateSetParametersCommand set(MigrationParameters parameters) {
        return new MigrateSetParametersCommand(MigrateSetParameters.fromJson(parameters.toJson()));
    }

    /**
     * @param parameters the parameters to set
     * @return {@code migrate-set-parameters} setting each member present
     */
    public static MigrateSetParametersCommand set(MigrateSetParameters parameters) {
        return new MigrateSetParametersCommand(parameters);
    }
}
