package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.command.BlockDeviceInfo;
import io.qmp4j.core.command.QueryBlockJobs;
import io.qmp4j.core.command.QueryJobs;
import io.qmp4j.core.command.QueryNamedBlockNodes;
import io.qmp4j.examples.qemu.Accelerator;
import io.qmp4j.examples.qemu.TestGuest;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    /** The {@link MigrationException} a migration failed with, within 120 s. */
    protected static MigrationException failure(CompletableFuture<MigrationResult> f) throws Exception {
        return migrationFailure(f, 120);
    }

    /** The {@link MigrationException} a migration failed with, within {@code seconds}. */
    protected static MigrationException migrationFailure(CompletableFuture<MigrationResult> f, long seconds) throws Exception {
        return assertInstanceOf(MigrationException.class, failure(f, seconds));
    }

    /** No mirror job or NBD client node of the SDK on the source, no export on the destination (when given). */
    protected static void assertNoStorageLeftovers(QmpClient src, QmpClient dst) throws Exception {
        assertEquals(List.of(), src.execute(new QueryBlockJobs()).get(5, TimeUnit.SECONDS), "no block job on the source");
        assertEquals(List.of(), src.execute(new QueryJobs()).get(5, TimeUnit.SECONDS), "no job on the source");
        for (BlockDeviceInfo n : src.execute(new QueryNamedBlockNodes()).get(5, TimeUnit.SECONDS)) {
            assertTrue(n.nodeName() == null || !n.nodeName().startsWith("qmp4j-"), "NBD node left on the source: " + n.nodeName());
        }
        if (dst != null) {
            JsonNode exports = dst.execute(QmpCommand.raw("query-block-exports")).get(5, TimeUnit.SECONDS);
            assertEquals(0, exports.size(), "no export left on the destination: " + exports);
        }
    }

    /** No QOM object of the SDK (TLS credentials, secret, authz list) left under /objects. */
    protected static void assertNoSdkObjects(QmpClient c) throws Exception {
        JsonNode objects = c.execute(QmpCommand.raw("qom-list", JsonNodeFactory.instance.objectNode().put("path", "/objects")))
                .get(5, TimeUnit.SECONDS);
        for (JsonNode o : objects) {
            assertTrue(!o.path("name").asText().contains("qmp4j-"), "object left behind on " + c.endpoint() + ": " + o);
        }
    }
}
