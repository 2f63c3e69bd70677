package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.testkit.qemu.LoopbackPorts;
import io.qmp4j.examples.samples.CopyStorageMigration;
import io.qmp4j.examples.samples.ListenToEvents;
import io.qmp4j.examples.samples.MeasureDirtyRate;
import io.qmp4j.examples.samples.SendRawCommand;
import io.qmp4j.examples.samples.SharedStorageMigration;
import io.qmp4j.examples.samples.TlsMigration;
import io.qmp4j.testkit.tls.Certificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's sample programs, each run against real QEMU as a user would run it. */
@Timeout(180)
class SamplesIT extends MigrationCase {

    @FunctionalInterface
    private interface Main {
        void run(String[] args) throws Exception;
    }

    /** Runs a sample's main and returns what it printed. */
    private static synchronized String run(Main main, String... args) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            main.run(args);
        } finally {
            System.setOut(saved);
        }
        String out = buf.toString();
        saved.print(out);
        return out;
    }

    private VmPair pair(java.util.function.UnaryOperator<io.qmp4j.testkit.qemu.QemuProcess.Builder> src,
                        java.util.function.UnaryOperator<io.qmp4j.testkit.qemu.QemuProcess.Builder> dst) throws Exception {
        VmPair p = VmPair.start(qemus, resources, 256, 64, 16, b -> b, src, dst);
        pairs.add(p);
        VmPair.awaitTicks(p.src, 1);
        return p;
    }

    @Test
    void eventsDirtyRateRawCommandAndASharedStorageMigration() throws Exception {
        VmPair p = pair(b -> b, b -> b);
        String src = p.sourceMonitor2().toString();
        String dst = p.destinationMonitor2().toString();
        String events = run(ListenToEvents::main, src, "1");
        assertTrue(events.contains("connected to"), events);
        String rate = run(MeasureDirtyRate::main, src, "64");
        assertTrue(rate.contains("dirty rate:") && rate.contains("at 64 MiB/s:"), rate);
        String raw = run(SendRawCommand::main, src, "qom-list", "{\"path\":\"/machine\"}");
        assertTrue(raw.contains("\"name\" : \"peripheral\""), raw);
        String refused = run(SendRawCommand::main, src, "no-such-command");
        assertTrue(refused.contains("QEMU refused no-such-command: CommandNotFound"), refused);
        String migrated = run(SharedStorageMigration::main, src, dst, "unix:" + qemus.dir().resolve("s.sock"));
        assertTrue(migrated.contains("migrated in"), migrated);
    }

    @Test
    void copyStorageMigration() throws Exception {
        Path a = qemus.dir().resolve("a.qcow2");
        Path b = qemus.dir().resolve("b.qcow2");
        runTool("qemu-img", "create", "-q", "-f", "qcow2", a.toString(), "32M");
        runTool("qemu-img", "create", "-q", "-f", "qcow2", b.toString(), "32M");
        VmPair p = pair(x -> x.args("-blockdev", "driver=file,filename=" + a + ",node-name=f", "-blockdev",
                        "driver=qcow2,file=f,node-name=d", "-device", "virtio-blk-pci,drive=d,id=vblk0"),
                x -> x.args("-blockdev", "driver=file,filename=" + b + ",node-name=f", "-blockdev",
                        "driver=qcow2,file=f,node-name=d", "-device", "virtio-blk-pci,drive=d,id=vblk0"));
        String out = run(CopyStorageMigration::main, p.sourceMonitor2().toString(), p.destinationMonitor2().toString(),
                "tcp:127.0.0.1:" + LoopbackPorts.freePair(), "vblk0");
        assertTrue(out.contains("vblk0: 32 MiB copied") && out.contains("migrated; RAM downtime"), out);
    }

    @Test
    void tlsMigration() throws Exception {
        Path dir = qemus.dir().resolve("tls");
        Certificates.authority(qemus.dir().resolve("ca"), "samples CA").issueAll(dir, List.of("localhost", "127.0.0.1"));
        VmPair p = pair(b -> b, b -> b);
        String out = run(TlsMigration::main, p.sourceMonitor2().toString(), p.destinationMonitor2().toString(),
                "tcp:127.0.0.1:" + LoopbackPorts.freePair(), dir.toString());
        assertTrue(out.contains("migrated encrypted in"), out);
    }
}
