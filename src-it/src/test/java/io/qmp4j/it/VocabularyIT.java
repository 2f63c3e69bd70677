package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpUnsupportedException;
import io.qmp4j.core.command.*;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.core.qapi.*;
import io.qmp4j.core.qapi.BlockJobCompletedEvent;
import io.qmp4j.core.qapi.BlockJobReadyEvent;
import io.qmp4j.core.qapi.JobStatusChangeEvent;
import io.qmp4j.core.qapi.MigrationEvent;
import io.qmp4j.core.qapi.ResetEvent;
import io.qmp4j.core.schema.QmpSchema;
import io.qmp4j.testkit.qemu.QemuProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The typed vocabulary, family by family, against real QEMU 7.2; records the replies it gets. */
@Timeout(120)
class VocabularyIT extends RealQemuCase {

    private static final Duration T = Duration.ofSeconds(10);
    private static final ReplyRecorder recorder = new ReplyRecorder();

    @AfterAll
    static void writeRecording() {
        recorder.write();
    }

    private QmpClient connect(QemuProcess qemu) throws Exception {
        QmpClient c = client(qemu.qmp(), QmpClient.builder().name(qemu.name()));
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    private static <R> R get(CompletableFuture<R> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        return failure(f, 20);
    }

    /** @return whether the generated vocabulary marks the capability as in that QEMU version */
    private static boolean in(MigrationCapability capability, String version) {
        for (java.lang.reflect.Field f : MigrationCapability.class.getFields()) {
            Qapi q = f.getAnnotation(Qapi.class);
            if (q != null && q.name().equals(capability.value())) {
                return List.of(q.in()).contains(version);
            }
        }
        return false;
    }

    @Test
    void systemQueries() throws Exception {
        QmpClient c = connect(qemus.start(qemus.qemu("vm").memoryMiB(128).cpus(2)));
        assertNotNull(recorder.record(c, new QueryVersion()));
        assertEquals(RunState.PRELAUNCH, recorder.record(c, new QueryStatus()).status());
        KvmInfo kvm = recorder.record(c, new QueryKvm());
        assertTrue(kvm.present() || !kvm.enabled());
        assertTrue(recorder.record(c, new QueryCommands()).stream().anyMatch(ci -> ci.name().equals("migrate")));
        List<CpuInfoFast> cpus = recorder.record(c, new QueryCpusFast());
        assertEquals(2, cpus.size());
        assertEquals(SysEmuTarget.X86_64, cpus.get(0).target());
        List<CpuDefinitionInfo> defs = recorder.record(c, new QueryCpuDefinitions());
        assertTrue(defs.stream().anyMatch(d -> d.name().equals("qemu64")));
        CpuModelExpansionInfo exp = recorder.record(c, new QueryCpuModelExpansion(CpuModelExpansionType.FULL, new CpuModelInfo("qemu64", null)));
        assertTrue(exp.model().props().size() > 10, exp.toString());
        List<MachineInfo> machines = recorder.record(c, new QueryMachines());
        assertTrue(machines.stream().anyMatch(m -> "q35".equals(m.alias())));
        assertEquals(128L << 20, recorder.record(c, new QueryMemorySizeSummary()).baseMemory());
        assertEquals(List.of(), recorder.record(c, new QueryFdsets()));
        String regs = recorder.record(c, new HumanMonitorCommand("info registers"));
        assertTrue(regs.contains("EAX="), regs);
        assertEquals(RunState.PRELAUNCH, get(c.execute(new QueryStatus())).status());
        // RESET through the typed event view.
        var r = get(c.executeAndAwait(new SystemReset(), e -> e.is(ResetEvent.NAME), T));
        assertEquals(ShutdownCause.HOST_QMP_SYSTEM_RESET, r.event().as(ResetEvent.class).reason());
        get(c.executeAndAwait(new SystemPowerdown(), e -> e.is("POWERDOWN"), T));
    }

    @Test
    void dirtyRateIsMeasured() throws Exception {
        QmpClient c = connect(qemus.start(qemus.qemu("vm").paused(false)));
        get(c.execute(new CalcDirtyRate(1L)));
        DirtyRateInfo info;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        do {
            Thread.sleep(250);
            info = get(c.execute(new QueryDirtyRate()));
        } while (info.status() != DirtyRateStatus.MEASURED && System.nanoTime() < deadline);
        assertEquals(DirtyRateStatus.MEASURED, info.status());
        assertNotNull(info.dirtyRate(), "a measured rate");
        assertEquals(DirtyRateMeasureMode.PAGE_SAMPLING, info.mode());
        recorder.record(c, new QueryDirtyRate());
    }

    @Test
    void everyParameterIsSetAndReadBack() throws Exception {
        QmpClient c = connect(qemus.start(qemus.qemu("vm")));
        MigrationParameters defaults = recorder.record(c, new QueryMigrateParameters());
        assertEquals(134217728L, defaults.maxBandwidth(), "QEMU's default max-bandwidth is 128 MiB/s (7.2 and 10.0)");
        assertEquals(300L, defaults.downtimeLimit());
        MigrateSetParameters.Builder b = MigrateSetParameters.builder()
                .announceInitial(60).announceMax(600).announceRounds(6).announceStep(110)
                .throttleTriggerThreshold(40).cpuThrottleInitial(30).cpuThrottleIncrement(15).cpuThrottleTailslow(true)
                .tlsCreds(StrOrNull.s("")).tlsHostname(StrOrNull.s("")).tlsAuthz(StrOrNull.s(""))
                .maxBandwidth(Migrations.mebibytesPerSecond(512)).downtimeLimit(250).xCheckpointDelay(15000)
                .multifdChannels(4).xbzrleCacheSize(32L << 20).maxPostcopyBandwidth(1L << 30)
                .maxCpuThrottle(90).multifdCompression(MultiFDCompression.ZSTD).multifdZlibLevel(2).multifdZstdLevel(3);
        QmpSchema schema = get(c.schema());
        if (schema.commandTakesArgument("migrate-set-parameters", "compress-level")) {
            // Legacy compression and block migration: in 7.2, removed in 9.1.
            b.compressLevel(5).compressThreads(3).compressWaitThread(false).decompressThreads(3).blockIncremental(true);
        } else {
            assertNull(defaults.compressLevel(), "10.0 has no compress-level: " + defaults);
            assertFalse(schema.commandTakesArgument("migrate-set-parameters", "block-incremental"), "nor block-incremental");
        }
        if (!c.greeting().orElseThrow().version().isAtLeast(8, 0)) {
            // QEMU 7.2 accepts multifd-zlib-level and multifd-zstd-level but never applies
            // them (its migrate_params_apply() lacks both): they stay at 1.
            get(c.execute(Migrations.set(b.build())));
            b.multifdZlibLevel(1).multifdZstdLevel(1);
        } else {
            get(c.execute(Migrations.set(b.build())));
        }
        MigrationParameters back = get(c.execute(new QueryMigrateParameters()));
        assertTrue(back.extra().isEmpty(), "every member QEMU reports is known: " + back.extra());
        JsonNode backJson = back.toJson();
        b.build().toJson().fields().forEachRemaining(f -> assertEquals(f.getValue().asText(), backJson.path(f.getKey()).asText(),
                "parameter " + f.getKey() + " reads back as set"));
        assertEquals(MultiFDCompression.ZSTD, back.multifdCompression());
        assertEquals(512L << 20, back.maxBandwidth());
        // Only what is given changes.
        get(c.execute(Migrations.set(MigrateSetParameters.builder().downtimeLimit(500).build())));
        MigrationParameters after = get(c.execute(new QueryMigrateParameters()));
        assertEquals(500L, after.downtimeLimit());
        assertEquals(4L, after.multifdChannels());
    }

    @Test
    void compressMethodIsRefusedByTheSchemaCheckOnUpstreamQemu() throws Exception {
        QmpClient c = connect(qemus.start(qemus.qemu("vm")));
        QmpUnsupportedException e = (QmpUnsupportedException) failure(c.execute(Migrations.set(
                MigrateSetParameters.builder().extra("compress-method", TextNode.valueOf("zstd")).build())));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().startsWith("migrate-set-parameters: parameter 'compress-method' is not supported by this QEMU ("
                        + (onQemu10() ? "10.0." : "7.2.")),
                e.getMessage());
        assertTrue(e.getMessage().contains("; it supports: announce-initial, "), e.getMessage());
        QmpSchema schema = get(c.schema());
        assertFalse(schema.commandTakesArgument("migrate-set-parameters", "compress-method"));
        assertTrue(schema.commandAllowsOob("migrate-pause") && schema.commandAllowsOob("migrate-recover"));
        // With the check off, QEMU itself refuses it, later and less clearly.
        QmpClient unchecked = QmpClient.builder().endpoint(c.endpoint()).resources(resources).schemaCheck(false).build();
        clients.add(unchecked);
        c.close();
        unchecked.connect().get(10, TimeUnit.SECONDS);
        Throwable t = failure(unchecked.execute(Migrations.set(
                MigrateSetParameters.builder().extra("compress-method", TextNode.valueOf("zstd")).build())));
        assertInstanceOf(io.qmp4j.core.QmpCommandException.class, t);
        System.out.println("QEMU's own answer: " + t.getMessage());
    }

    @Test
    void capabilitiesAreSetAndReadBack() throws Exception {
        QmpClient c = connect(qemus.start(qemus.qemu("vm")));
        List<MigrationCapabilityStatus> before = recorder.record(c, new QueryMigrateCapabilities());
        assertTrue(before.stream().noneMatch(MigrationCapabilityStatus::state), "all off by default: " + before);
        // Every capability is known; those newer than 7.2 are marked as only in 10.0.
        assertTrue(before.stream().allMatch(s -> s.capability().isKnown()), before.toString());
        assertEquals(onQemu10() ? List.of("switchover-ack", "dirty-limit", "mapped-ram") : List.of(), before.stream()
                .map(MigrationCapabilityStatus::capability).filter(cap -> !in(cap, "7.2")).map(MigrationCapability::value).toList());
        assertEquals(!onQemu10(), before.stream().anyMatch(s -> s.capability() == MigrationCapability.COMPRESS), "9.1 removed compress");
        // multifd and compress exclude each other, and 10.0 refuses multifd with postcopy-ram: three groups.
        Set<MigrationCapability> first = new HashSet<>(Set.of(MigrationCapability.XBZRLE, MigrationCapability.AUTO_CONVERGE,
                MigrationCapability.EVENTS, MigrationCapability.PAUSE_BEFORE_SWITCHOVER));
        if (!onQemu10()) {
            first.add(MigrationCapability.COMPRESS);
        }
        for (Set<MigrationCapability> group : List.of(first,
                Set.of(MigrationCapability.MULTIFD, MigrationCapability.LATE_BLOCK_ACTIVATE),
                Set.of(MigrationCapability.POSTCOPY_RAM, MigrationCapability.RETURN_PATH))) {
            Map<MigrationCapability, Boolean> on = new LinkedHashMap<>();
            group.forEach(g -> on.put(g, true));
            get(c.execute(Migrations.capabilities(on)));
            for (MigrationCapabilityStatus s : get(c.execute(new QueryMigrateCapabilities()))) {
                assertEquals(group.contains(s.capability()), s.state(), s.capability().value());
            }
            Map<MigrationCapability, Boolean> off = new LinkedHashMap<>();
            group.forEach(g -> off.put(g, false));
            get(c.execute(Migrations.capabilities(off)));
        }
        assertTrue(get(c.execute(new QueryMigrateCapabilities())).stream().noneMatch(MigrationCapabilityStatus::state));
        MigrateSetCapabilities newer = new MigrateSetCapabilities(List.of(new MigrationCapabilityStatus(MigrationCapability.RETURN_PATH, true),
                new MigrationCapabilityStatus(MigrationCapability.SWITCHOVER_ACK, true)));
        if (onQemu10()) {
            // A capability only 10.0 has is set, and reads back.
            get(c.execute(newer));
            assertTrue(get(c.execute(new QueryMigrateCapabilities())).stream()
                    .anyMatch(s -> s.capability() == MigrationCapability.SWITCHOVER_ACK && s.state()));
            return;
        }
        QmpUnsupportedException e = (QmpUnsupportedException) failure(c.execute(newer));
        assertTrue(e.getMessage().contains("value 'switchover-ack' of member 'capabilities[1].capability' is not supported"), e.getMessage());
    }

    @Test
    void objectsAreAddedAndDeleted() throws Exception {
        QmpClient c = connect(qemus.start(qemus.qemu("vm")));
        Path secret = Files.writeString(qemus.dir().resolve("key.txt"), "s3cret");
        get(c.execute(QomObjects.secretFromFile("sec0", secret)));
        get(c.execute(QomObjects.secretBase64("sec1", "czNjcmV0")));
        get(c.execute(QomObjects.authzList("authz0", List.of("CN=client.example.org"))));
        var list = get(c.executeRaw("qom-list", JsonNodeFactory.instance.objectNode().put("path", "/objects")));
        assertTrue(list.toString().contains("sec0") && list.toString().contains("authz0"), list.toString());
        // x509 credentials: a CA and a client certificate made with openssl, in QEMU's layout.
        Path pki = Files.createDirectories(qemus.dir().resolve("pki"));
        runTool("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=qmp4j test CA",
                "-keyout", pki.resolve("ca-key.pem").toString(), "-out", pki.resolve("ca-cert.pem").toString());
        runTool("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=client.example.org",
                "-keyout", pki.resolve("client-key.pem").toString(), "-out", pki.resolve("client.csr").toString());
        runTool("openssl", "x509", "-req", "-in", pki.resolve("client.csr").toString(), "-CA", pki.resolve("ca-cert.pem").toString(),
                "-CAkey", pki.resolve("ca-key.pem").toString(), "-CAcreateserial", "-days", "2",
                "-out", pki.resolve("client-cert.pem").toString());
        get(c.execute(QomObjects.tlsCredsX509("tls0", pki, "client", true, null)));
        assertTrue(get(c.executeRaw("qom-list", JsonNodeFactory.instance.objectNode().put("path", "/objects"))).toString().contains("tls0"));
        // A directory without certificates is refused by QEMU with a clear GenericError.
        Throwable missing = failure(c.execute(QomObjects.tlsCredsX509("tls1", qemus.dir().resolve("nowhere"), "client", true, null)));
        assertInstanceOf(io.qmp4j.core.QmpCommandException.class, missing);
        System.out.println("tls-creds-x509 without files: " + missing.getMessage());
        for (String id : List.of("sec0", "sec1", "authz0", "tls0")) {
            get(c.execute(new ObjectDel(id)));
        }
        assertFalse(get(c.executeRaw("qom-list", JsonNodeFactory.instance.objectNode().put("path", "/objects"))).toString().contains("sec0"));
    }

    @Test
    void blockNodesNbdExportAndMirrorJob() throws Exception {
        Path dir = qemus.dir();
        Path src = dir.resolve("src.qcow2");
        Path dst = dir.resolve("dst.qcow2");
        Path dst2 = dir.resolve("dst2.qcow2");
        runTool("qemu-img", "create", "-q", "-f", "qcow2", src.toString(), "64M");
        runTool("qemu-io", "-c", "write -P 0x5a 0 4M", "-c", "write -P 0xa5 32M 1M", src.toString());
        runTool("qemu-img", "create", "-q", "-f", "qcow2", dst.toString(), "64M");
        runTool("qemu-img", "create", "-q", "-f", "qcow2", dst2.toString(), "64M");
        QemuProcess qemu = qemus.start(qemus.qemu("vm")
                .args("-blockdev", "driver=file,filename=" + src + ",node-name=src-file",
                        "-blockdev", "driver=qcow2,file=src-file,node-name=src",
                        "-device", "virtio-blk-pci,drive=src,id=vblk0"));
        QmpClient c = connect(qemu);
        get(c.execute(BlockNodes.file("dst-file", dst.toString())));
        get(c.execute(BlockNodes.qcow2("dst", "dst-file")));
        List<BlockDeviceInfo> nodes = recorder.record(c, new QueryNamedBlockNodes(true));
        assertTrue(nodes.stream().anyMatch(n -> "dst".equals(n.nodeName()) && "qcow2".equals(n.drv())), nodes.toString());
        List<BlockInfo> block = recorder.record(c, new QueryBlock());
        assertEquals(64L << 20, block.stream().filter(b -> b.inserted() != null && "src".equals(b.inserted().nodeName()))
                .findFirst().orElseThrow().inserted().image().virtualSize());

        // NBD server and export of the target node, as a migration destination would.
        Path nbdSock = dir.resolve("nbd.sock");
        get(c.execute(new NbdServerStart(Sockets.legacy(Sockets.unix(nbdSock.toString())))));
        get(c.execute(BlockNodes.nbdExport("exp0", "dst", "dst", true)));
        get(c.execute(new BlockExportDel("exp0")));
        get(c.execute(new NbdServerStop()));

        // A mirror: READY, then cancel leaves the target equal to the source.
        try (EventSubscription jobs = c.events().subscribe(Set.of(BlockJobReadyEvent.NAME, BlockJobCompletedEvent.NAME))) {
            get(c.execute(BlockdevMirror.builder().device("src").target("dst").jobId("m0").sync(MirrorSyncMode.FULL).build()));
            QmpEvent ready = jobs.next(Duration.ofSeconds(30)).get();
            assertEquals(BlockJobReadyEvent.NAME, ready.name());
            assertEquals("m0", ready.as(BlockJobReadyEvent.class).device());
            List<BlockJobInfo> running = recorder.record(c, new QueryBlockJobs());
            assertTrue(running.get(0).ready());
            assertEquals(JobStatus.READY, running.get(0).status());
            assertEquals(JobStatus.READY, recorder.record(c, new QueryJobs()).get(0).status());
            get(c.execute(new BlockJobSetSpeed("m0", 0L)));
            get(c.execute(new BlockJobCancel("m0", null)));
            BlockJobCompletedEvent done = jobs.next(Duration.ofSeconds(30)).get().as(BlockJobCompletedEvent.class);
            assertNull(done.error(), done.toString());
        }
        assertEquals(List.of(), get(c.execute(new QueryBlockJobs())));

        // drive-mirror onto an existing image file, then cancel likewise.
        try (EventSubscription jobs = c.events().subscribe(Set.of(BlockJobReadyEvent.NAME, BlockJobCompletedEvent.NAME))) {
            get(c.execute(new DriveMirrorCommand(DriveMirror.builder().device("src").target(dst2.toString()).jobId("m1").sync(MirrorSyncMode.FULL).format("qcow2").mode(NewImageMode.EXISTING).build())));
            assertEquals(BlockJobReadyEvent.NAME, jobs.next(Duration.ofSeconds(30)).get().name());
            get(c.execute(new BlockJobCancel("m1", null)));
            assertEquals(BlockJobCompletedEvent.NAME, jobs.next(Duration.ofSeconds(30)).get().name());
        }

        // blockdev-create as a job.
        Path created = dir.resolve("created.raw");
        try (EventSubscription st = c.events().subscribe(Set.of(JobStatusChangeEvent.NAME), e -> "c0".equals(e.data().path("id").asText()),
                e -> { })) {
            st.close();
        }
        try (EventSubscription st = c.events().subscription().names(Set.of(JobStatusChangeEvent.NAME))
                .filter(e -> "c0".equals(e.data().path("id").asText())).open()) {
            get(c.execute(new BlockdevCreate("c0", new BlockdevCreateOptions(BlockdevDriver.FILE,
                    new BlockdevCreateOptionsFile(created.toString(), 1L << 20)))));
            JobStatus s;
            do {
                s = st.next(Duration.ofSeconds(30)).get().as(JobStatusChangeEvent.class).status();
            } while (s != JobStatus.CONCLUDED);
            get(c.execute(new JobDismiss("c0")));
        }
        assertEquals(1 << 20, Files.size(created));
        get(c.execute(new BlockdevDel("dst")));
        get(c.execute(new BlockdevDel("dst-file")));
        get(c.execute(new Quit()));
        assertTrue(qemu.awaitExit(Duration.ofSeconds(10)));
        runTool("qemu-img", "compare", "-q", src.toString(), dst.toString());
        runTool("qemu-img", "compare", "-q", src.toString(), dst2.toString());
    }

    @Test
    void migrationCommandsAndEventsBetweenTwoQemus() throws Exception {
        QemuProcess src = qemus.start(qemus.qemu("src"));
        QemuProcess dst = qemus.start(qemus.qemu("dst").incomingDefer(true));
        QmpClient s = connect(src);
        QmpClient d = connect(dst);
        assertNull(recorder.record(s, new QueryMigrate()).status(), "no status before any migration");
        String uri = "unix:" + qemus.dir().resolve("mig.sock");
        get(d.execute(new MigrateIncoming(uri, null, null)));
        get(s.execute(Migrations.capabilities(Map.of(MigrationCapability.EVENTS, true,
                MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true))));
        get(s.execute(Migrations.set(MigrateSetParameters.builder()
                .maxBandwidth(Migrations.mebibytesPerSecond(10_000)).build())));
        try (EventSubscription mig = s.events().subscribe(Set.of(MigrationEvent.NAME))) {
            get(s.execute(Migrate.builder().uri(uri).build()));
            MigrationStatus st;
            do {
                st = mig.next(Duration.ofSeconds(30)).get().as(MigrationEvent.class).status();
            } while (st != MigrationStatus.PRE_SWITCHOVER && st != MigrationStatus.FAILED);
            assertEquals(MigrationStatus.PRE_SWITCHOVER, st);
            get(s.execute(new MigrateContinue(MigrationStatus.PRE_SWITCHOVER)));
            do {
                st = mig.next(Duration.ofSeconds(30)).get().as(MigrationEvent.class).status();
            } while (st != MigrationStatus.COMPLETED && st != MigrationStatus.FAILED);
            assertEquals(MigrationStatus.COMPLETED, st);
        }
        MigrationInfo info;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do { // QEMU 7.2 emits 'completed' before it stores total-time.
            info = get(s.execute(new QueryMigrate()));
        } while ((info.totalTime() == null || info.totalTime() == 0) && System.nanoTime() < deadline);
        assertTrue(info.totalTime() > 0 && info.ram().transferred() > 0, info.toString());
        recorder.record(s, new QueryMigrate());
        assertEquals(RunState.POSTMIGRATE, get(s.execute(new QueryStatus())).status());
        // Commands that need post-copy or a failure are at least known to this QEMU.
        QmpSchema schema = get(s.schema());
        for (String cmd : List.of("migrate_cancel", "migrate-start-postcopy", "migrate-pause", "migrate-recover")) {
            assertTrue(schema.hasCommand(cmd), cmd);
        }
        // migrate_cancel with nothing running is accepted (and does nothing).
        get(s.execute(new MigrateCancel()));
    }
}
