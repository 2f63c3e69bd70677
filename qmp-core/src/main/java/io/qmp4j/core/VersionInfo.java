package io.qmp4j.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A QEMU version, as QAPI's {@code VersionInfo}: in the greeting and the reply of
 * {@code query-version}.
 *
 * @param qemu the numeric version
 * @param packageName the downstream package, e.g. {@code "Debian 1:7.2+dfsg-7+deb12u18+b3"}; may be empty
 * @since 0.1
 */
public record VersionInfo(Triple qemu, @JsonProperty("package") String packageName) {

    /**
     * @param qemu the numeric version; must not be {@code null}
     * @param packageName the package; {@code null} is read as empty
     */
    public VersionInfo {
        Objects.requireNonNull(qemu, "qemu");
        packageName = packageName == null ? "" : packageName;
    }

    /**
     * @param major the major version
     * @param minor the minor version
     * @return whether this version is {@code major.minor} or newer
     */
    public boolean isAtLeast(int major, int minor) {
        return qemu.major() > major || (qemu.major() == major && qemu.minor() >= minor);
    }

    @Override
    public String toString() {
        return qemu + (packageName.isEmpty() ? "" : " (" + packageName.strip() + ")");
    }

    /**
     * QAPI's {@code VersionTriple}.
     *
     * @param major the major version
     * @param minor the minor version
     * @param micro the micro version
     */
    public record Triple(int major, int minor, int micro) {
        @Override
        public String toString() {
            return major + "." + minor + "." + micro;
        }
    }
}
