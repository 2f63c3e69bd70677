package io.qmp4j.examples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.TestGuest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the demo checks after each hop: the guest runs on the destination with its memory intact; the disks are equal. */
final class GuestChecks {

    private GuestChecks() {
    }

    /** The VM left the source and runs on the destination, ticking, with its memory intact. */
    static boolean healthy(QmpClient from, QmpClient to) throws Exception {
        System.out.println("  source now " + from.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status()
                + ", destination now " + to.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        TestGuest.GuestStatus before = TestGuest.status(to);
        TestGuest.GuestStatus after = waitForTicks(to, before.ticks() + 2);
        System.out.println("  guest on the destination: tick " + before.ticks() + " -> " + after.ticks() + ", "
                + after.integrityErrors() + " integrity errors (it checks every page it wrote)");
        if (after.integrityErrors() != 0 && Accelerator.detect() == Accelerator.KVM) {
            System.out.println("FAILED: the guest found pages that did not hold what it wrote");
            return false;
        }
        if (after.integrityErrors() != 0) {
            System.out.println("  (no KVM here: QEMU 7.2 under TCG was seen to lose a few written pages in migrations)");
        }
        return after.ticks() > before.ticks();
    }

    static boolean compare(Path a, Path b) throws Exception {
        // -U: the images are still open (read-only, inactive) by the QEMUs.
        HostTools.Result r = HostTools.exec(java.time.Duration.ofSeconds(60), "qemu-img", "compare", "-U", a.toString(), b.toString());
        System.out.println("  qemu-img compare " + a.getFileName() + " " + b.getFileName() + ": " + r.output().strip());
        return r.exit() == 0;
    }

    static TestGuest.GuestStatus waitForTicks(QmpClient c, long ticks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        TestGuest.GuestStatus s = TestGuest.status(c);
        while (s.ticks() < ticks && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = TestGuest.status(c);
        }
        if (s.ticks() < ticks) {
            throw new IllegalStateException("the guest did not reach tick " + ticks + " within 30 s: " + s);
        }
        return s;
    }

}
