package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.testkit.qemu.QemuBuild;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Set-up shared by the tests against real QEMU: one {@link QmpResources} per class, a work
 * directory and QEMU launcher per test, and teardown that closes every client and kills every
 * QEMU by PID, also when the test fails.
 */
abstract class RealQemuCase {

    protected static QmpResources resources;
    protected QemuTestSupport qemus;
    protected final List<QmpClient> clients = new ArrayList<>();

    @BeforeAll
    static void openResources() {
        resources = QmpResources.create();
    }

    @AfterAll
    static void closeResources() {
        resources.close();
    }

    @BeforeEach
    void openQemuSupport(TestInfo info) {
        qemus = new QemuTestSupport(info.getTestMethod().orElseThrow().getName(), qemuBuild());
    }

    /** @return the QEMU 10.0 that ./run-tests provides; a test that needs it fails without it, saying how to get it */
    protected static QemuBuild qemu10() {
        return QemuBuild.qemu10().orElseThrow(() -> new AssertionError("QEMU 10.0 is not installed:"
                + " ./run-tests unpacks it into ~/.cache/qmp4j/qemu-10.0.2 and sets " + QemuBuild.QEMU10_ENV));
    }

    /** @return the QEMU this class's tests start: the system's, or 10.0 in an {@link OnQemu10} class */
    protected QemuBuild qemuBuild() {
        return getClass().isAnnotationPresent(OnQemu10.class) ? qemu10() : QemuBuild.system();
    }

    /** @return the major version of the QEMU this class starts: 7 (the system's, Debian 12) or 10 */
    protected int expectedMajor() {
        return onQemu10() ? 10 : 7;
    }

    /** @return whether this class runs on QEMU 10.0 */
    protected boolean onQemu10() {
        return getClass().isAnnotationPresent(OnQemu10.class);
    }

    /** On a failure, before teardown kills them: what the test's QEMUs said (a QEMU that crashed says why there). */
    @RegisterExtension
    final AfterTestExecutionCallback reportQemusOnFailure = ctx -> {
        if (ctx.getExecutionException().isPresent() && qemus != null) {
            System.out.println("QEMUs of the failed test " + ctx.getDisplayName() + ":\n" + qemus.report());
        }
    };

    @AfterEach
    void closeClientsAndKillQemus() {
        clients.forEach(QmpClient::close);
        qemus.close();
    }

    /** A client on the test's resources, closed in teardown. */
    protected QmpClient client(QmpEndpoint endpoint, QmpClient.Builder b) {
        QmpClient c = b.endpoint(endpoint).resources(resources).build();
        clients.add(c);
        return c;
    }

    /** The exception a future failed with, within {@code seconds}. */
    protected static Throwable failure(CompletableFuture<?> f, long seconds) throws Exception {
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("completed normally");
    }

    /** Runs a tool (qemu-img, openssl) and requires it to succeed. */
    protected static void runTool(String... cmd) throws Exception {
        io.qmp4j.testkit.qemu.HostTools.Result r = io.qmp4j.testkit.qemu.HostTools.exec(java.time.Duration.ofSeconds(60), cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.output());
    }
}
