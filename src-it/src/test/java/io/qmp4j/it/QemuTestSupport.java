package io.qmp4j.it;

import io.qmp4j.testkit.qemu.QemuBuild;
import io.qmp4j.testkit.qemu.QemuProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts QEMUs for a test class and kills each by PID afterwards, also when a test fails. */
final class QemuTestSupport implements AutoCloseable {

    private final Path root;
    private final QemuBuild build;
    private final List<QemuProcess> started = new ArrayList<>();

    QemuTestSupport(String testName, QemuBuild build) {
        this.build = build;
        try {
            Path base = Path.of(System.getProperty("qmp4j.it.workdir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            // UNIX socket paths are limited to 108 bytes: keep the directory short.
            root = Files.createTempDirectory(shortBase(base), testName.length() > 12 ? testName.substring(0, 12) : testName);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path shortBase(Path base) {
        return base.toAbsolutePath().toString().length() > 60 ? Path.of(System.getProperty("java.io.tmpdir")) : base;
    }

    QemuProcess.Builder qemu(String name) {
        return QemuProcess.builder().name(name).workDir(root).build(build);
    }

    QemuProcess start(QemuProcess.Builder b) {
        QemuProcess p = b.start();
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    Path dir() {
        return root;
    }

    /**
     * What each QEMU of the test is and said, for a failed test's report: alive or its exit
     * code, and the last lines of its stdout and stderr (a crash or an assertion of QEMU's shows there).
     */
    String report() {
        StringBuilder b = new StringBuilder();
        synchronized (started) {
            for (QemuProcess p : started) {
                b.append("--- ").append(p).append(p.isAlive() ? ", alive" : ", exited").append('\n');
                String out = p.output().strip();
                List<String> lines = out.isEmpty() ? List.of() : List.of(out.split("\n"));
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> b.append("    ").append(l).append('\n'));
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        synchronized (started) {
            for (QemuProcess p : started) {
                p.close();
            }
            started.clear();
        }
    }
}
