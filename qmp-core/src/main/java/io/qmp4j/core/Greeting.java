package io.qmp4j.core;

import java.util.List;
import java.util.Objects;

/**
 * The greeting a QMP server sends first: its version and the capabilities it offers.
 *
 * @param version the server's QEMU version
 * @param capabilities the capabilities offered, e.g. {@code ["oob"]}; immutable
 * @since 0.1
 */
public record Greeting(VersionInfo version, List<String> capabilities) {

    /** The out-of-band execution capability. */
    public static final String OOB = "oob";

    /**
     * @param version must not be {@code null}
     * @param capabilities must not be {@code null}; copied
     */
    public Greeting {
        Objects.requireNonNull(version, "version");
        capabilities = List.copyOf(capabilities);
    }

    /** @return whether the server offers out-of-band execution */
    public boolean offersOob() {
        return capabilities.contains(OOB);
    }
}
