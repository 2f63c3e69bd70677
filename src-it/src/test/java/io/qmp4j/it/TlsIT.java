package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpTls;
import io.qmp4j.core.qapi.Cont;
import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.core.qapi.QueryMigrateParameters;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.Quit;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.qapi.Stop;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.tls.Certificates;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import io.qmp4j.migration.PreflightException;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encrypted migration between two real QEMU 7.2 processes with certificates made on the spot:
 * single channel and multifd, copy-storage over TLS NBD, every bad credential refused or failed
 * cleanly, the stream seen encrypted on the wire, and QMP itself over TLS.
 */
@Timeout(240)
class TlsIT extends MigrationCase {

    private static Path certs;
    /** A good layout: CA1, server cert for localhost/127.0.0.1, client cert. */
    private static Path good;
    private static Certificates.Authority ca1;
    private static Certificates.Authority ca2;

    @BeforeAll
    static void makeCertificates() throws IOException {
        Path base = Path.of(System.getProperty("qmp4j.it.workdir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        certs = Files.createTempDirectory(base, "tls-certs");
        ca1 = Certificates.authority(certs.resolve("ca1"), "qmp4j test CA one");
        ca2 = Certificates.authority(certs.resolve("ca2"), "qmp4j test CA two");
        good = ca1.issueAll(certs.resolve("good"), List.of("localhost", "127.0.0.1"));
    }

    private VmPair pair() throws Exception {
        VmPair p = VmPair.start(qemus, resources, 256, 64, 16, b -> b, b -> b);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    private Migration.Builder migration(VmPair p, TlsCredentials tls) throws IOException {
        return Migration.builder().source(p.src).destination(p.dst).uri(MigrationUri.tcp("127.0.0.1", LoopbackPorts.freePair())).tls(tls);
    }

    /** No TLS object of the SDK left, and the TLS parameters back to empty. */
    private static void assertNoTlsLeft(QmpClient c) throws Exception {
        assertNoSdkObjects(c);
        MigrationParameters p = c.execute(new QueryMigrateParameters()).get(5, TimeUnit.SECONDS);
        assertEquals("", p.tlsCreds(), "tls-creds reset");
        assertEquals("", p.tlsHostname(), "tls-hostname reset");
    }

    private static void assertGuestRunsOnDestination(VmPair p) throws Exception {
        assertEquals(RunState.RUNNING, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "destination runs");
        VmPair.awaitTicks(p.dst, VmPair.status(p.dst).ticks() + 2);
    }

    // ------------------------------------------------------------------ migrations

    @ParameterizedTest(name = "TLS, {0} multifd channels")
    @ValueSource(ints = {0, 2, 4})
    void anEncryptedMigrationKeepsTheGuestRunningAndRemovesItsObjects(int channels) throws Exception {
        VmPair p = pair();
        Migration.Builder m = migration(p, TlsCredentials.of(good));
        if (channels > 0) {
            m.multifd(channels);
        }
        MigrationResult r = m.build().start().completion().get(120, TimeUnit.SECONDS);
        System.out.printf("TLS migration, %d channels: total %d ms, downtime %d ms, %d MiB%n", channels, r.totalTime().toMillis(),
                r.downtime().toMillis(), r.transferredBytes() >> 20);
        assertTrue(r.succeeded());
        assertGuestRunsOnDestination(p);
        assertNoTlsLeft(p.src);
        assertNoTlsLeft(p.dst);
    }

    @Test
    void copyStorageOverTlsArrivesIdentical() throws Exception {
        Path src = qemus.dir().resolve("d-src.qcow2");
        Path dst = qemus.dir().resolve("d-dst.qcow2");
        runTool("qemu-img", "create", "-q", "-f", "qcow2", src.toString(), "128M");
        runTool("qemu-img", "create", "-q", "-f", "qcow2", dst.toString(), "128M");
        runTool("qemu-io", "-f", "qcow2", "-c", "write -P 0x9e 0 40M", "-c", "write -P 0x9f 100M 20M", src.toString());
        VmPair p = VmPair.start(qemus, resources, 256, 64, 16, b -> b,
                b -> b.args("-blockdev", "driver=file,filename=" + src + ",node-name=f0", "-blockdev", "driver=qcow2,file=f0,node-name=d0",
                        "-device", "virtio-blk-pci,drive=d0,id=vblk0"),
                b -> b.args("-blockdev", "driver=file,filename=" + dst + ",node-name=f0", "-blockdev", "driver=qcow2,file=f0,node-name=d0",
                        "-device", "virtio-blk-pci,drive=d0,id=vblk0"));
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        MigrationResult r = migration(p, TlsCredentials.of(good)).storage(Storage.copyAll()).build().start().completion()
                .get(120, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertEquals(1, r.disks().size());
        assertGuestRunsOnDestination(p);
        assertNoTlsLeft(p.src);
        assertNoTlsLeft(p.dst);
        for (QmpClient c : List.of(p.src, p.dst)) {
            c.execute(new Quit()).exceptionally(x -> null).get(5, TimeUnit.SECONDS);
        }
        assertTrue(p.source.awaitExit(Duration.ofSeconds(15)) && p.destination.awaitExit(Duration.ofSeconds(15)));
        runTool("qemu-img", "compare", "-q", src.toString(), dst.toString());
    }

    @Test
    void encryptedKeysAndTlsAuthzAllowOnlyTheNamedClient() throws Exception {
        Path dir = certs.resolve("encrypted-" + System.nanoTime());
        Files.createDirectories(dir);
        Path password = dir.resolve("key.pass");
        Files.writeString(password, "correct horse battery staple");
        ca1.copyCa(dir);
        ca1.issue(dir, "server", List.of("localhost", "127.0.0.1"), Certificates.validFrom(), Certificates.validTo(),
                Optional.of(password));
        ca1.issue(dir, "client", List.of("qmp4j-client"), Certificates.validFrom(), Certificates.validTo(), Optional.of(password));
        assertTrue(Files.readString(dir.resolve("server-key.pem")).contains("ENCRYPTED PRIVATE KEY"));
        TlsCredentials tls = TlsCredentials.of(dir).keyPasswordFile(password);

        VmPair p = pair();
        MigrationResult r = migration(p, tls.authorize("CN=qmp4j-client,O=qmp4j test")).build().start().completion()
                .get(120, TimeUnit.SECONDS);
        assertTrue(r.succeeded());
        assertGuestRunsOnDestination(p);
        assertNoTlsLeft(p.src);
        assertNoTlsLeft(p.dst);

        VmPair q = pair();
        MigrationException e = failure(migration(q, tls.authorize("CN=someone-else,O=qmp4j test")).build().start().completion());
        assertTrue(e.getMessage().contains("the destination refused the TLS handshake"), e.getMessage());
        assertEquals(RunState.RUNNING, q.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertNoTlsLeft(q.src);
    }

    @Test
    void theCliMigratesWithTls() throws Exception {
        VmPair p = pair();
        Cli.Run r = Cli.run("migrate", "--source", p.sourceMonitor2().toString(), "--dest", p.destinationMonitor2().toString(),
                "--uri", "tcp:127.0.0.1:" + LoopbackPorts.freePair(), "--tls", "--tls-dir", good.toString(), "--parallel", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("completed", new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("status").asText());
        assertGuestRunsOnDestination(p);
        Cli.Run bad = Cli.run("migrate", "--source", p.sourceMonitor2().toString(), "--dest", p.destinationMonitor2().toString(),
                "--uri", "tcp:127.0.0.1:1", "--tls", "--tls-dir", certs.resolve("nowhere").toString());
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("the TLS directory " + certs.resolve("nowhere") + " does not exist"), bad.err());
    }

    // ------------------------------------------------------------------ bad credentials

    @Test
    void badCredentialsAreRefusedBeforeAnythingChanges() throws Exception {
        // Missing files.
        Path incomplete = Files.createDirectories(certs.resolve("incomplete-" + System.nanoTime()));
        ca1.copyCa(incomplete);
        // Expired server certificate.
        Path expired = certs.resolve("expired-" + System.nanoTime());
        ca1.copyCa(expired);
        ca1.issue(expired, "server", List.of("localhost", "127.0.0.1"), Instant.now().minus(3, ChronoUnit.DAYS),
                Instant.now().minus(2, ChronoUnit.DAYS), Optional.empty());
        ca1.issue(expired, "client", List.of("qmp4j-client"), Certificates.validFrom(), Certificates.validTo(), Optional.empty());
        // A client certificate from another CA.
        Path foreignClient = certs.resolve("foreign-client-" + System.nanoTime());
        ca1.copyCa(foreignClient);
        ca2.issue(foreignClient, "client", List.of("intruder"), Certificates.validFrom(), Certificates.validTo(), Optional.empty());

        VmPair p = pair();
        String m1 = failure(migration(p, TlsCredentials.of(incomplete)).build().start().completion()).getMessage();
        assertTrue(m1.contains("server-cert.pem, server-key.pem missing or unreadable"), m1);
        String m2 = failure(migration(p, TlsCredentials.of(good).hostname("wrong.example")).build().start().completion()).getMessage();
        assertTrue(m2.contains("does not carry the host name 'wrong.example' (its names: localhost, 127.0.0.1)"), m2);
        String m3 = failure(migration(p, TlsCredentials.of(expired)).build().start().completion()).getMessage();
        assertTrue(m3.contains("server-cert.pem in " + expired) && m3.contains("expired on"), m3);
        String m4 = failure(migration(p, TlsCredentials.of(good).directories(foreignClient, good)).build().start().completion())
                .getMessage();
        assertTrue(m4.contains("client-cert.pem in " + foreignClient) && m4.contains("is not signed by the CA in ca-cert.pem"), m4);
        Path bundle = certs.resolve("bundle-" + System.nanoTime());
        ca2.issue(bundle, "client", List.of("intruder"), Certificates.validFrom(), Certificates.validTo(), Optional.empty());
        Files.writeString(bundle.resolve("ca-cert.pem"), Files.readString(ca1.cert()) + Files.readString(ca2.cert()));
        String m5 = failure(migration(p, TlsCredentials.of(good).directories(bundle, good)).build().start().completion())
                .getMessage();
        assertTrue(m5.contains("client-cert.pem in " + bundle) && m5.contains("is not signed by a CA the destination trusts"), m5);
        assertTrue(failure(migration(p, TlsCredentials.of(incomplete)).build().start().completion()) instanceof PreflightException);
        assertEquals(RunState.RUNNING, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertEquals(RunState.INMIGRATE, p.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        assertNoTlsLeft(p.src);
        assertNoTlsLeft(p.dst);
    }

    @ParameterizedTest(name = "handshake fails: {0}")
    @ValueSource(strings = {"wrong host name", "wrong CA", "untrusted client"})
    void aFailedHandshakeFailsCleanlyAndTheSourceRuns(String what) throws Exception {
        TlsCredentials tls = switch (what) {
            case "wrong host name" -> TlsCredentials.of(good).hostname("wrong.example");
            case "wrong CA" -> {
                // The source trusts CA two, which did not sign the destination's certificate.
                Path d = certs.resolve("trusts-ca2-" + System.nanoTime());
                ca2.copyCa(d);
                ca2.issue(d, "client", List.of("qmp4j-client"), Certificates.validFrom(), Certificates.validTo(), Optional.empty());
                yield TlsCredentials.of(good).directories(d, good);
            }
            default -> {
                // The source trusts both CAs (so QEMU accepts its own client certificate, from CA
                // two), the destination only CA one: it refuses the client.
                Path d = certs.resolve("untrusted-" + System.nanoTime());
                ca2.issue(d, "client", List.of("intruder"), Certificates.validFrom(), Certificates.validTo(), Optional.empty());
                Files.writeString(d.resolve("ca-cert.pem"), Files.readString(ca1.cert()) + Files.readString(ca2.cert()));
                yield TlsCredentials.of(good).directories(d, good);
            }
        };
        VmPair p = pair();
        MigrationException e = failure(migration(p, tls).unsafe().build().start().completion());
        System.out.println("TLS handshake failure (" + what + "): " + e.getMessage());
        assertEquals(MigrationResult.Outcome.FAILED, e.result().outcome(), e.getMessage());
        String expected = switch (what) {
            case "wrong host name" -> "Certificate does not match the hostname wrong.example";
            case "wrong CA" -> "The certificate hasn't got a known issuer";
            default -> "the destination refused the TLS handshake";
        };
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(RunState.RUNNING, p.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "the source runs");
        VmPair.awaitTicks(p.src, VmPair.status(p.src).ticks() + 1);
        assertNoTlsLeft(p.src);
    }

    // ------------------------------------------------------------------ on the wire

    @Test
    void theStreamIsPlainWithoutTlsAndEncryptedWithIt() throws Exception {
        // The guest's own code holds this string: a plain stream carries it, an encrypted one must not.
        String needle = "MIGLAB tick=";
        long[] plain = sniff(false, needle);
        long[] tls = sniff(true, needle);
        System.out.printf("on the wire: plain %d MiB with %d sightings of \"%s\"; TLS %d MiB with %d%n", plain[0] >> 20, plain[1],
                needle, tls[0] >> 20, tls[1]);
        assertTrue(plain[1] > 0, "the detector sees guest memory in a plain stream");
        assertTrue(tls[0] > plain[0] / 2, "the TLS stream carried the guest's memory too");
        assertEquals(0, tls[1], "no plain guest memory in the TLS stream");
    }

    private long[] sniff(boolean encrypted, String needle) throws Exception {
        VmPair p = pair();
        int port = LoopbackPorts.freePair();
        try (SniffingProxy proxy = new SniffingProxy(port, needle)) {
            Migration.Builder m = Migration.builder().source(p.src).destination(p.dst)
                    .uri(MigrationUri.tcp("127.0.0.1", proxy.port())).listenUri(MigrationUri.tcp("127.0.0.1", port));
            if (encrypted) {
                m.tls(TlsCredentials.of(good));
            }
            assertTrue(m.build().start().completion().get(120, TimeUnit.SECONDS).succeeded());
            return new long[] {proxy.bytes(), proxy.hits()};
        }
    }

    // ------------------------------------------------------------------ QMP over TLS

    @Test
    void qmpOverTlsConnectsRunsCommandsAndDeliversEventsAndRefusesAWrongCa() throws Exception {
        int port = LoopbackPorts.freePair();
        QemuProcess q = qemus.start(qemus.qemu("tlsmon").machine("none").paused(false).args(
                "-object", "tls-creds-x509,id=tlsmon,dir=" + good + ",endpoint=server,verify-peer=on",
                "-chardev", "socket,id=qmptls,host=127.0.0.1,port=" + port + ",server=on,wait=off,tls-creds=tlsmon",
                "-mon", "chardev=qmptls,mode=control"));
        QmpClient c = client(QmpEndpoint.tls("127.0.0.1", port, QmpTls.fromDirectory(good)), QmpClient.builder());
        assertTrue(c.connect().get(10, TimeUnit.SECONDS).version().isAtLeast(7, 0));
        CompletableFuture<QmpEvent> stop = c.events().await(Set.of("STOP"), e -> true, Duration.ofSeconds(10));
        c.execute(new Stop()).get(5, TimeUnit.SECONDS);
        assertEquals("STOP", stop.get(10, TimeUnit.SECONDS).name());
        assertEquals(RunState.PAUSED, c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        c.execute(new Cont()).get(5, TimeUnit.SECONDS);
        c.close();

        // A client that trusts another CA refuses QEMU's certificate.
        Path other = certs.resolve("other-" + System.nanoTime());
        ca2.issueAll(other, List.of("localhost", "127.0.0.1"));
        QmpClient wrong = client(QmpEndpoint.tls("127.0.0.1", port, QmpTls.fromDirectory(other)), QmpClient.builder());
        Throwable t = failure(wrong.connect(), 15);
        assertInstanceOf(QmpConnectException.class, t);
        assertTrue(t.getMessage().contains("TLS handshake with tls:127.0.0.1:" + port + " failed"), t.getMessage());
        // A name the certificate does not carry.
        QmpClient badName = client(QmpEndpoint.tls("127.0.0.1", port, QmpTls.fromDirectory(good).hostname("wrong.example")),
                QmpClient.builder());
        Throwable n = failure(badName.connect(), 15);
        assertTrue(n.getMessage().contains("TLS handshake") && n.getMessage().contains("wrong.example"), n.getMessage());
        assertTrue(q.isAlive());
    }
}
