package io.qmp4j.it;

import io.qmp4j.examples.qemu.Accelerator;
import io.qmp4j.examples.qemu.TestGuest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** A test that migrates the test guest between pairs of QEMUs: builds the guest once, closes every pair's clients. */
abstract class MigrationCase extends RealQemuCase {

    /** Memory-integrity assertions need KVM: QEMU 7.2 under TCG was seen to lose a few written pages. */
    protected static final boolean KVM = Accelerator.detect() == Accelerator.KVM;
    protected final List<VmPair> pairs = new ArrayList<>();

    @BeforeAll
    static void buildGuest() {
        TestGuest.kernel(VmPair.cache());
    }

    @AfterEach
    void closePairs() {
        pairs.forEach(VmPair::close);
    }
}
