package io.qmp4j.testkit.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A QEMU build to start: its {@code qemu-system-x86_64}, its data directory (firmware, option
 * ROMs: QEMU's {@code -L}) when it is not the system's, and its {@code qemu-img}. The system's
 * QEMU is {@link #system()}; another one installed into a private prefix (as the test command
 * does with Debian's QEMU 10.0 from {@code bookworm-backports}) is {@link #prefix(Path, String)}.
 *
 * @param label a short name for logs and test names ("7.2", "10.0")
 * @param binary the system emulator
 * @param dataDir the data directory, when not the system's
 * @param qemuImg the image tool of the same build
 */
public record QemuBuild(String label, Path binary, Optional<Path> dataDir, Path qemuImg) {

    /** Where the test command installs QEMU 10.0, when it is not given otherwise. */
    public static final String QEMU10_PROPERTY = "qmp4j.qemu10.prefix";
    /** The same, as an environment variable. */
    public static final String QEMU10_ENV = "QMP4J_QEMU10_PREFIX";

    /** @return the QEMU on the PATH (Debian 12: 7.2) */
    public static QemuBuild system() {
        return new QemuBuild("7.2", Path.of("qemu-system-x86_64"), Optional.empty(), Path.of("qemu-img"));
    }

    /**
     * @param prefix where a Debian QEMU package was unpacked ({@code dpkg -x}): it holds
     *               {@code usr/bin} and {@code usr/share/qemu}
     * @param label its short name
     * @return that build
     */
    public static QemuBuild prefix(Path prefix, String label) {
        return new QemuBuild(label, prefix.resolve("usr/bin/qemu-system-x86_64"), Optional.of(prefix.resolve("usr/share/qemu")),
                prefix.resolve("usr/bin/qemu-img"));
    }

    /**
     * @return QEMU 10.0 where the test command installed it ({@value #QEMU10_PROPERTY} or
     *         {@value #QEMU10_ENV}), if it is there
     */
    public static Optional<QemuBuild> qemu10() {
        String p = System.getProperty(QEMU10_PROPERTY, System.getenv(QEMU10_ENV));
        if (p == null || p.isBlank()) {
            return Optional.empty();
        }
        QemuBuild b = prefix(Path.of(p), "10.0");
        return Files.isExecutable(b.binary()) ? Optional.of(b) : Optional.empty();
    }

    @Override
    public String toString() {
        return "QEMU " + label;
    }
}
