package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.qmp4j.testkit.qemu.QemuBuild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's main job, end to end, as a separate JVM: five migrations succeed (the last from
 * QEMU 7.2 to 10.0), and neither a finished run nor one interrupted with Ctrl-C (SIGINT) leaves a
 * QEMU process or a file behind.
 */
@Timeout(400)
class DemoIT {

    private record Run(Process process, StringBuffer out, CompletableFuture<Void> done) {
    }

    private final List<Process> started = new java.util.ArrayList<>();

    /**
     * A demo still running after a failed assertion is stopped: SIGTERM first, so that its
     * shutdown hooks kill its QEMUs by PID and remove its files, then SIGKILL.
     */
    @org.junit.jupiter.api.AfterEach
    void stopDemos() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** The QEMU 10.0 that ./run-tests provides: the demo's last hop migrates to it. */
    private static Path qemu10Prefix() {
        QemuBuild q10 = QemuBuild.qemu10().orElseThrow(() -> new AssertionError("QEMU 10.0 is not installed: ./run-tests"
                + " unpacks it into ~/.cache/qmp4j/qemu-10.0.2 and sets " + QemuBuild.QEMU10_ENV));
        return q10.binary().getParent().getParent().getParent();
    }

    private Run start(Path tmp) throws IOException {
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "io.qmp4j.examples.Demo")
                .redirectErrorStream(true);
        b.environment().put(QemuBuild.QEMU10_ENV, qemu10Prefix().toString());
        Process p = b.start();
        started.add(p);
        StringBuffer out = new StringBuffer();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.append(line).append('\n');
                }
            } catch (IOException e) {
                out.append("(reading failed: ").append(e).append(")\n");
            }
        });
        return new Run(p, out, done);
    }

    private static Path tmp(String name) throws IOException {
        Path base = Path.of(System.getProperty("qmp4j.it.workdir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, name);
    }

    /** Nothing left but the guest-kernel cache, and no QEMU started from this directory. */
    private static void assertNothingLeft(Path tmp, String output) throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            List<String> left = s.filter(p -> !p.equals(tmp) && !tmp.relativize(p).startsWith("qmp4j-cache"))
                    .map(p -> tmp.relativize(p).toString()).toList();
            assertEquals(List.of(), left, "files the demo left in " + tmp + "\n" + output);
        }
        List<String> qemus = ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains("qemu-system") && c.contains(tmp.toString())).toList();
        assertEquals(List.of(), qemus, "QEMU processes the demo left");
        try (Stream<Path> links = Files.list(Path.of("/tmp"))) {
            List<Path> ours = links.filter(Files::isSymbolicLink).filter(l -> {
                try {
                    return Files.readSymbolicLink(l).startsWith(tmp);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
            assertEquals(List.of(), ours, "short socket links the demo left in /tmp");
        }
    }

    @Test
    void fiveMigrationsSucceedAndNothingIsLeftBehind() throws Exception {
        Path tmp = tmp("demo");
        Run run = start(tmp);
        assertTrue(run.process().waitFor(300, TimeUnit.SECONDS), "the demo finished within 300 s");
        run.done().get(10, TimeUnit.SECONDS);
        String out = run.out().toString();
        System.out.println(out);
        assertEquals(0, run.process().exitValue(), out);
        for (int hop = 1; hop <= 5; hop++) {
            assertTrue(out.contains("[" + hop + "/5]"), "hop " + hop + ": " + out);
        }
        assertTrue(out.matches("(?s).*QEMU 7\\.2\\.\\d+ -> QEMU 10\\.0\\.\\d+.*"), "the upgrade hop names both versions: " + out);
        assertTrue(out.contains("post-copy took"), out);
        assertTrue(out.contains("Images are identical."), out);
        assertTrue(out.contains("OK: five live migrations"), out);
        assertNothingLeft(tmp, out);
    }

    @Test
    void ctrlCDuringTheCopyStorageMigrationCleansUp() throws Exception {
        Path tmp = tmp("demo-int");
        Run run = start(tmp);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
        while (!run.out().toString().contains("[2/5]") && run.process().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(run.out().toString().contains("[2/5]"), run.out().toString());
        new ProcessBuilder("kill", "-INT", Long.toString(run.process().pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertTrue(run.process().waitFor(60, TimeUnit.SECONDS), "the demo exits on SIGINT");
        run.done().get(10, TimeUnit.SECONDS);
        Thread.sleep(500); // QEMUs killed by PID are reaped
        assertNothingLeft(tmp, run.out().toString());
    }
}
