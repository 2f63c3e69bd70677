package io.qmp4j.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.MultiFDCompression;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** build() validates everything without I/O; what goes to each side is SettingsTest's. */
class MigrationBuilderTest {

    private QmpResources resources;
    private QmpClient a;
    private QmpClient b;

    @BeforeEach
    void clients() {
        resources = QmpResources.create();
        a = QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/a"))).resources(resources).build();
        b = QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/b"))).resources(resources).build();
    }

    @AfterEach
    void close() {
        resources.close();
    }

    private Migration.Builder base() {
        return Migration.builder().source(a).destination(b).uri(MigrationUri.tcp("127.0.0.1", 4444));
    }

    @Test
    void missingPartsAreNamed() {
        assertTrue(assertThrows(IllegalStateException.class, () -> Migration.builder().build()).getMessage().contains("source"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Migration.builder().source(a).build()).getMessage().contains("destination"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Migration.builder().source(a).destination(b).build()).getMessage().contains("uri"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Migration.builder().source(a).destination(a)
                .uri(MigrationUri.tcp("h", 1)).build()).getMessage().contains("same QEMU"));
    }

    @Test
    void contradictionsAreRefused() {
        assertTrue(assertThrows(IllegalStateException.class, () -> base().multifd(2).compression(Compression.legacy(1, 2, 2)).build())
                .getMessage().contains("cannot be combined"));
        assertTrue(assertThrows(IllegalStateException.class, () -> base().compression(Compression.multifd(MultiFDCompression.ZSTD, 1)).build())
                .getMessage().contains("needs multifd"));
        assertTrue(assertThrows(IllegalStateException.class, () -> base().multifd(2).timeout(Duration.ofSeconds(1), TimeoutAction.POSTCOPY).build())
                .getMessage().contains("post-copy"));
        assertTrue(assertThrows(IllegalStateException.class, () -> base().multifd(2).postcopy(Postcopy.afterPasses(1)).build())
                .getMessage().contains("before 10.1"));
        assertTrue(assertThrows(IllegalStateException.class, () -> base().compression(Compression.legacy(1, 2, 2))
                .postcopy(Postcopy.onDemand()).build()).getMessage().contains("compression"));
        assertThrows(IllegalArgumentException.class, () -> base().bandwidth(0));
        assertThrows(IllegalArgumentException.class, () -> base().multifd(0));
        assertThrows(IllegalArgumentException.class, () -> base().maxDowntime(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> MigrationUri.tcp("h", 70000));
        assertThrows(IllegalArgumentException.class, () -> new MigrationUri("ftp://x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MigrationUri.unix(java.nio.file.Path.of("/" + "m".repeat(120))))
                .getMessage().contains("Linux allows at most 107"));
        assertThrows(IllegalArgumentException.class, () -> Compression.multifd(MultiFDCompression.ZLIB, 12));
        assertThrows(IllegalArgumentException.class, () -> new AutoConverge(0, 10, 99, false));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> base().stallTimeout(Duration.ofMillis(500))).getMessage()
                .contains("below 1 s"));
        assertEquals(Migration.DEFAULT_STALL_TIMEOUT, base().build().stallTimeout());
    }

    @Test
    void copyStorageAddressesAreChecked() {
        MigrationUri u = MigrationUri.tcp("127.0.0.1", 4444);
        assertTrue(assertThrows(IllegalStateException.class, () -> base().uri(u).storage(Storage.copyAll().nbd(u)).build())
                .getMessage().contains("NBD server cannot listen where the migration stream does"));
        assertTrue(assertThrows(IllegalStateException.class, () -> base().uri(new MigrationUri("tcp:h")).storage(Storage.copyAll())
                .build()).getMessage().contains("copy-storage: endpoint 'tcp:h': expected tcp:HOST:PORT"));
    }

    @Test
    void portZeroIsRefused() {
        // The destination would listen on a random port the source cannot know.
        assertTrue(assertThrows(IllegalStateException.class, () -> base().uri(new MigrationUri("tcp:127.0.0.1:0")).build())
                .getMessage().contains("port 0"));
    }

    @Test
    void thePlanKeepsWhatWasAskedAndNothingElse() {
        MigrationPlan p = base().build();
        assertTrue(p.bandwidth().isEmpty(), "no bandwidth asked: the source's own applies");
        assertTrue(p.maxDowntime().isEmpty());
        assertEquals(125_000_000L, base().bandwidthMbps(1000).build().bandwidth().orElseThrow());
    }
}
