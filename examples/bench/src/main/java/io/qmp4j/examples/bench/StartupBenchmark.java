package io.qmp4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CLI's wall time as a user meets it, through the {@code qmp4j} launcher: a migration refused
 * by a pre-flight check (the source VM is not running), without the class-data-sharing archive
 * ({@code QMP4J_CDS=0}), on the first run (which starts the training run that makes it, in the
 * background), and with it; and a shared-storage migration of the running test guest against
 * QEMU's own {@code total-time}, without the archive and with it; beside the JVM's bare start-up
 * ({@code java -version}). Medians of {@code RUNS} (5) runs; the archive goes to a temporary cache.
 *
 * <pre>java -cp examples/bench/target/qmp4j-bench-0.1.0-SNAPSHOT-all.jar io.qmp4j.examples.bench.StartupBenchmark</pre>
 *
 * Environment: {@code QMP4J_LAUNCHER} (default {@code ./qmp4j}), {@code RUNS}.
 */
public final class StartupBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run(Integer.parseInt(System.getenv().getOrDefault("RUNS", "5")), Path.of(System.getenv().getOrDefault("QMP4J_LAUNCHER", "./qmp4j")));
    }

    /**
     * @param runs runs of each measurement
     * @param launcherPath the {@code qmp4j} launcher script
     * @throws Exception when a QEMU cannot be started or the launcher fails unexpectedly
     */
    public static void run(int runs, Path launcherPath) throws Exception {
        String launcher = launcherPath.toAbsolutePath().toString();
        Path work = Files.createTempDirectory("qmp4j-bench-startup");
        Path cache = Files.createDirectories(work.resolve("cache"));
        try (QemuProcess idle = QemuProcess.builder().name("idle").workDir(work).machine("q35").memoryMiB(64).paused(true).start();
             QemuProcess target = QemuProcess.builder().name("target").workDir(work).machine("q35").memoryMiB(64).paused(true)
                     .incomingDefer(true).start()) {
            String[] refused = {launcher, "migrate", "--source", idle.qmp().toString(), "--dest", target.qmp().toString(),
                    "--uri", "unix:" + work.resolve("refused.sock")};
            double bare = median(runs, () -> wall(List.of("java", "-XX:TieredStopAtLevel=1", "-version"), cache, "1", 0));
            double cold = median(runs, () -> wall(List.of(refused), cache, "0", 2));
            long t0 = System.nanoTime();
            double first = wall(List.of(refused), cache, "1", 2); // starts the training run, in the background
            double trained = awaitArchive(cache, t0);
            double warm = median(runs, () -> wall(List.of(refused), cache, "1", 2));
            System.out.printf("JVM bare start-up (java -version)            %6.0f ms%n", bare);
            System.out.printf("pre-flight refusal, no CDS archive (cold)    %6.0f ms%n", cold);
            System.out.printf("pre-flight refusal, the first run (starts the training) %4.0f ms; archive ready %.0f ms after its start"
                    + " (once per build of the jar)%n", first, trained);
            System.out.printf("pre-flight refusal, with the archive (warm)  %6.0f ms   (target <= 1000 ms)%n", warm);
            for (String cds : new String[] {"0", "1"}) { // cold (no archive), then warm
                List<double[]> m = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    m.add(migration(launcher, work, cache, cds, cds + "-" + i));
                }
                double wallMs = median(m.stream().mapToDouble(x -> x[0]).toArray());
                double qemuMs = median(m.stream().mapToDouble(x -> x[1]).toArray());
                double over = median(m.stream().mapToDouble(x -> x[0] - x[1]).toArray());
                System.out.printf("shared-storage migration (%s): wall %.0f ms, QEMU's total-time %.0f ms, wall - QEMU %.0f ms%s%n",
                        cds.equals("0") ? "no CDS archive, cold" : "with the archive, warm", wallMs, qemuMs, over,
                        cds.equals("0") ? "" : "   (target <= 1000 ms)");
            }
        } finally {
            HostTools.deleteTree(work);
        }
    }

    /** One migration of a running guest through the launcher: {wall ms, QEMU's total-time ms}. */
    private static double[] migration(String launcher, Path work, Path cache, String cds, String i) throws Exception {
        Path guests = TestGuest.defaultCache();
        try (QemuProcess src = TestGuest.boot(QemuProcess.builder().name("src" + i).workDir(work).machine("q35").memoryMiB(128)
                .paused(false), guests, 32, 8).start();
             QemuProcess dst = TestGuest.boot(QemuProcess.builder().name("dst" + i).workDir(work).machine("q35").memoryMiB(128)
                     .paused(false).incomingDefer(true), guests, 32, 8).start()) {
            Thread.sleep(1500); // the guest boots and ticks
            Path out = work.resolve("migrate" + i + ".json");
            List<String> cmd = List.of("bash", "-c", String.join(" ", launcher, "migrate", "--source", src.qmp().toString(), "--dest",
                    dst.qmp().toString(), "--uri", "unix:" + work.resolve("m" + i + ".sock"), "--json", ">", out.toString()));
            double wall = wall(cmd, cache, cds, 0);
            JsonNode r = JSON.readTree(Files.readString(out));
            return new double[] {wall, r.path("total-time-ms").asDouble()};
        }
    }

    /** Waits for the training run the first run started to leave its archive; returns when, in ms after {@code t0}. */
    private static double awaitArchive(Path cache, long t0) throws Exception {
        Path dir = cache.resolve("qmp4j/cds");
        long deadline = t0 + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"))) {
                    return (System.nanoTime() - t0) / 1e6;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // not yet made
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no class-data-sharing archive in " + dir + " after 120 s");
    }

    /** Runs a command with the cache dir and CDS switch given, requiring its exit code; returns its wall time in ms. */
    private static double wall(List<String> cmd, Path cache, String cds, int exit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        pb.environment().put("QMP4J_CDS", cds);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (p.exitValue() != exit) {
            throw new IllegalStateException("exit " + p.exitValue() + " (expected " + exit + "): " + cmd);
        }
        return ms;
    }

    private interface Measure {
        double once() throws Exception;
    }

    private static double median(int runs, Measure m) throws Exception {
        double[] v = new double[runs];
        for (int i = 0; i < runs; i++) {
            v[i] = m.once();
        }
        return median(v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
