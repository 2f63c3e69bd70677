package io.qmp4j.testkit.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * The accelerator a launched QEMU uses.
 */
public enum Accelerator {
    /** Hardware virtualization through /dev/kvm. */
    KVM,
    /** Software emulation. */
    TCG;

    /**
     * @return {@link #KVM} when /dev/kvm can be opened for reading and writing, else {@link #TCG}.
     *         Setting the system property or environment variable {@code QMP4J_ACCEL=tcg} forces TCG.
     */
    public static Accelerator detect() {
        String forced = System.getProperty("qmp4j.accel", System.getenv("QMP4J_ACCEL"));
        if (forced != null && forced.equalsIgnoreCase("tcg")) {
            return TCG;
        }
        try (RandomAccessFile kvm = new RandomAccessFile("/dev/kvm", "rw")) {
            return KVM;
        } catch (IOException | SecurityException e) {
            return TCG;
        }
    }
}
