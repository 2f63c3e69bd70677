package io.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.MultiFDCompression;
import io.qmp4j.migration.Compression;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationPlan;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import io.qmp4j.migration.TimeoutAction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** virsh-style options parsed into the migration plan they stand for (no QEMU needed). */
class MigrateOptionsTest {

    private QmpResources resources;

    @BeforeEach
    void setUp() {
        resources = QmpResources.create();
    }

    @AfterEach
    void tearDown() {
        resources.close();
    }

    private MigrationPlan plan(String... args) {
        MigrateCommand cmd = new MigrateCommand();
        new CommandLine(cmd).parseArgs(args);
        Migration.Builder b = cmd.configure(Migration.builder());
        b.source(QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/s"))).resources(resources).build());
        b.destination(QmpClient.builder().endpoint(QmpEndpoint.unix(Path.of("/d"))).resources(resources).build());
        return b.build();
    }

    @Test
    void theOpenEulerGuidesOptionsMapToThePlan() {
        MigrationPlan p = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "tcp:127.0.0.1:4444", "--live",
                "--auto-converge", "--auto-converge-initial", "40", "--timeout", "30", "--bandwidth", "100", "--max-downtime", "200");
        assertEquals("tcp:127.0.0.1:4444", p.uri().uri());
        assertEquals(40, p.autoConverge().orElseThrow().initialPercent());
        assertEquals(10, p.autoConverge().orElseThrow().incrementPercent());
        assertEquals(100L << 20, p.bandwidth().orElseThrow());
        assertEquals(Duration.ofMillis(200), p.maxDowntime().orElseThrow());
        assertTrue(plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "unix:/m").bandwidth().isEmpty(),
                "without --bandwidth the source's own limit (migrate-setspeed) applies");
        assertEquals(Duration.ofSeconds(30), p.timeout().orElseThrow());
        assertEquals(TimeoutAction.SUSPEND, p.timeoutAction(), "virsh's default timeout action");
    }

    @Test
    void parallelAndCompression() {
        MigrationPlan p = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "unix:/m", "--parallel",
                "--parallel-connections", "4", "--compressed", "--comp-method", "zstd", "--comp-level", "3");
        assertEquals(4, p.multifdChannels());
        assertEquals(Compression.multifd(MultiFDCompression.ZSTD, 3), p.compression().orElseThrow());
        MigrationPlan legacy = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "unix:/m", "--compressed",
                "--comp-threads", "4", "--decomp-threads", "3");
        Compression.Legacy l = (Compression.Legacy) legacy.compression().orElseThrow();
        assertEquals(4, l.threads());
        assertEquals(3, l.decompressThreads());
        MigrationPlan abort = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "unix:/m", "--timeout", "5", "--timeout-abort");
        assertEquals(TimeoutAction.CANCEL, abort.timeoutAction());
    }

    @Test
    void badCombinationsAreUsageErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/d", "--uri",
                "unix:/m", "--timeout-postcopy")).getMessage().contains("need --timeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/d", "--uri",
                "unix:/m", "--comp-level", "3")).getMessage().contains("need --compressed"));
        assertThrows(CommandLine.ParameterException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/d", "--uri",
                "unix:/m", "--timeout", "5", "--timeout-abort", "--timeout-postcopy"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/s", "--uri",
                "unix:/m")).getMessage().contains("same monitor"), "at once, not after 10 s waiting for a second greeting");
        StringWriter err = new StringWriter();
        CommandLine cl = Qmp4jCli.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(Qmp4jCli.EXIT_USAGE, cl.execute("migrate", "--source", "unix:/s"), "missing options: exit 2");
        assertEquals(Qmp4jCli.EXIT_USAGE, cl.execute("migrate", "--source", "unix:/s", "--dest", "unix:/d", "--uri", "ftp:x"));
        assertTrue(err.toString().contains("tcp:HOST:PORT or unix:PATH"), err.toString());
    }

    @Test
    void copyStorageOptionsLikeVirsh() {
        MigrationPlan all = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "tcp:10.0.0.2:49152", "--copy-storage-all");
        Storage.Copy c = (Storage.Copy) all.storage();
        assertTrue(c.all());
        assertEquals(new MigrationUri("tcp:10.0.0.2:49153"), c.nbdFor(all.uri()), "NBD on the migration host, port + 1");

        MigrationPlan some = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "tcp:10.0.0.2:49152", "--copy-storage-all",
                "--migrate-disks", "vblk0,/machine/peripheral/vblk1/virtio-backend", "--disks-port", "10809",
                "--copy-storage-speed", "100", "--copy-storage-synchronous");
        Storage.Copy s = (Storage.Copy) some.storage();
        assertEquals(java.util.List.of("vblk0", "/machine/peripheral/vblk1/virtio-backend"), s.disks());
        assertEquals(new MigrationUri("tcp:10.0.0.2:10809"), s.nbdFor(some.uri()));
        assertEquals(100L << 20, s.mirrorSpeed());
        assertTrue(s.writeBlocking());

        MigrationPlan unix = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "unix:/run/m.sock", "--copy-storage-all",
                "--disks-uri", "unix:/run/nbd.sock");
        assertEquals(new MigrationUri("unix:/run/nbd.sock"), ((Storage.Copy) unix.storage()).nbdFor(unix.uri()));

        assertTrue(plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "unix:/m").storage() instanceof Storage.Shared);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/d", "--uri",
                "unix:/m", "--migrate-disks", "vblk0")).getMessage().contains("need --copy-storage-all"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/d", "--uri",
                "unix:/m", "--copy-storage-all", "--disks-port", "5")).getMessage().contains("--disks-port needs a tcp: --uri"));
    }

    @Test
    void tlsOptionsLikeVirsh() {
        MigrationPlan p = plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "tcp:10.0.0.2:49152", "--tls", "--parallel",
                "--tls-dir", "/pki", "--tls-hostname", "dst.example", "--tls-authz", "CN=src", "--tls-key-password-file", "/pki/pw");
        TlsCredentials t = p.tls().orElseThrow();
        assertEquals(Path.of("/pki"), t.destinationDirectory());
        assertEquals(Path.of("/pki"), t.sourceDirectory());
        assertEquals("dst.example", t.hostname().orElseThrow());
        assertEquals(java.util.List.of("CN=src"), t.authorizedClients());
        assertEquals(Path.of("/pki/pw"), t.keyPasswordFile().orElseThrow());
        assertEquals(Path.of("/etc/pki/qemu"), plan("--source", "unix:/s", "--dest", "unix:/d", "--uri", "tcp:h:1", "--tls").tls()
                .orElseThrow().sourceDirectory(), "libvirt's directory by default");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/d", "--uri",
                "tcp:h:1", "--tls-dir", "/x")).getMessage().contains("need --tls"));
        assertTrue(assertThrows(IllegalStateException.class, () -> plan("--source", "unix:/s", "--dest", "unix:/d", "--uri",
                "unix:/m", "--tls")).getMessage().contains("TLS over a UNIX socket needs"));
    }

    @Test
    void virshsPostcopyOptionsMapToThePostcopyMode() {
        String[] base = {"--source", "unix:/s", "--dest", "unix:/d", "--uri", "tcp:127.0.0.1:4444"};
        Postcopy after = plan(concat(base, "--postcopy-after-precopy", "--postcopy-bandwidth", "64", "--postcopy-wait", "30"))
                .postcopy().orElseThrow();
        assertEquals(Postcopy.When.AFTER_PASSES, after.when());
        assertEquals(1, after.afterPasses());
        assertEquals(64L << 20, after.bandwidth().orElseThrow());
        assertEquals(Duration.ofSeconds(30), after.linkWait());
        assertEquals(Postcopy.When.ON_DEMAND, plan(concat(base, "--postcopy")).postcopy().orElseThrow().when());
        assertTrue(plan(base).postcopy().isEmpty());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plan(concat(base, "--postcopy-bandwidth", "8"))).getMessage()
                .contains("need --postcopy"));
        assertTrue(assertThrows(IllegalStateException.class, () -> plan(concat(base, "--postcopy", "--parallel"))).getMessage()
                .contains("multifd"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
