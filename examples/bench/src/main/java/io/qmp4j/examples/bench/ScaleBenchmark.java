package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.QemuProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many sessions in one JVM: one {@link QmpResources} with one I/O thread opens sessions to
 * {@code QEMUS} real idle QEMUs ({@code -machine none}) and {@code FAKES} fake monitors served by
 * another process ({@link FakeQmpFarm}), subscribes to the events of every session, and runs
 * rounds of {@code query-status} on all of them at once. Then {@code NOISY} of the fake monitors
 * flood their sessions with events while rounds go on over the quiet ones: events delivered per
 * second, and the quiet sessions' command latency with and without the noise.
 *
 * <p>Reports time to connect all, heap per idle session (heap after a GC, with and without the
 * sessions), JVM threads, p50/p99 of a round and of a command, events/s, and the ratio of quiet
 * latency under noise to quiet latency without it (target: at most 2).
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.bench.ScaleBenchmark [QEMUS] [FAKES] [NOISY] [ROUNDS]</pre>
 */
public final class ScaleBenchmark {

    /** The figures of one run. */
    public record Figures(int sessions, double connectAllMs, double heapPerSessionKiB, int jvmThreads, int ioThreads,
                          double roundP50Ms, double roundP99Ms, double quietCmdP50Ms, double quietCmdP99Ms,
                          double noisyQuietCmdP50Ms, double noisyQuietCmdP99Ms, double eventsPerSecond, long eventsDropped) {
    }

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run(arg(args, 0, 200), arg(args, 1, 1000), arg(args, 2, 100), arg(args, 3, 20));
    }

    private static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }

    /**
     * Runs the benchmark and prints its figures.
     *
     * @param qemus idle QEMUs to start
     * @param fakes fake monitors to serve from another process
     * @param noisy how many of the fake monitors flood events (at most {@code fakes})
     * @param rounds rounds of {@code query-status} per phase
     * @return the figures
     * @throws Exception when QEMU or the fake monitors cannot be started
     */
    public static Figures run(int qemus, int fakes, int noisy, int rounds) throws Exception {
        if (noisy > fakes || qemus < 0 || fakes < 0 || rounds < 1) {
            throw new IllegalArgumentException("need 0 <= NOISY <= FAKES, QEMUS >= 0, ROUNDS >= 1");
        }
        requireOpenFiles(2L * fakes + qemus + 256);
        Path work = Files.createTempDirectory("qmp4j-scale");
        List<QemuProcess> vms = Collections.synchronizedList(new ArrayList<>());
        Process farm = null;
        try {
            farm = startFarm(work.resolve("fake"), fakes);
            startQemus(work.resolve("qemu"), qemus, vms);
            double rssMiB = vms.stream().mapToLong(ScaleBenchmark::rssKiB).average().orElse(0) / 1024;
            System.out.printf("scale: %d idle QEMUs (-machine none, %s, %.1f MiB RSS each) + %d fake monitors in process %d;"
                    + " %d noisy; %d rounds per phase%n", qemus, vms.isEmpty() ? "-" : vms.get(0).accelerator(), rssMiB,
                    fakes, farm.pid(), noisy, rounds);
            List<QmpEndpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < fakes; i++) {
                endpoints.add(QmpEndpoint.unix(work.resolve("fake").resolve("fake-" + i + ".qmp")));
            }
            vms.forEach(vm -> endpoints.add(vm.qmp()));
            return measure(endpoints, noisy, rounds);
        } finally {
            ExecutorService stopper = Executors.newFixedThreadPool(8);
            vms.forEach(vm -> stopper.submit(vm::close));
            stopper.shutdown();
            stopper.awaitTermination(60, TimeUnit.SECONDS);
            if (farm != null) {
                farm.getOutputStream().close();
                farm.destroyForcibly();
                farm.waitFor(10, TimeUnit.SECONDS);
            }
            HostTools.deleteTree(work);
        }
    }

    private static Figures measure(List<QmpEndpoint> endpoints, int noisy, int rounds) throws Exception {
        int n = endpoints.size();
        LongAdder delivered = new LongAdder();
        List<QmpClient> clients = new ArrayList<>(n);
        List<EventSubscription> subscriptions = new ArrayList<>(n);
        QmpResources resources = QmpResources.builder().ioThreads(1).build();
        try {
            long heapBefore = heapAfterGc();
            long t0 = System.nanoTime();
            List<CompletableFuture<?>> connects = new ArrayList<>(n);
            for (QmpEndpoint ep : endpoints) {
                QmpClient c = QmpClient.builder().endpoint(ep).resources(resources).fdPassing("1".equals(System.getenv("FD_PASSING")))
                        .connectTimeout(Duration.ofSeconds(60)).commandTimeout(Duration.ofSeconds(60)).build();
                clients.add(c);
                connects.add(c.connect());
            }
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            double connectAllMs = (System.nanoTime() - t0) / 1e6;
            for (QmpClient c : clients) {
                subscriptions.add(c.events().subscribe(Set.of(), e -> true, e -> delivered.increment()));
            }
            long heapAfter = heapAfterGc();
            double perSessionKiB = (heapAfter - heapBefore) / 1024.0 / n;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            Set<Thread> live = Thread.getAllStackTraces().keySet();
            int ioThreads = (int) live.stream().filter(t -> t.getName().startsWith("qmp4j-io")).count();
            long qmp4jThreads = live.stream().filter(t -> t.getName().startsWith("qmp4j-")).count();
            long reapers = live.stream().filter(t -> t.getName().startsWith("process reaper")).count();
            System.out.printf("connected %d sessions in %.0f ms; heap %.1f KiB per idle session (%.1f -> %.1f MiB after GC);"
                    + " JVM threads %d: qmp4j %d (I/O %d), the JDK's process reapers for the QEMUs this program started %d%n",
                    n, connectAllMs, perSessionKiB, heapBefore / 1048576.0, heapAfter / 1048576.0, threads, qmp4jThreads,
                    ioThreads, reapers);

            List<QmpClient> quiet = clients.subList(noisy, n);
            List<QmpClient> loud = clients.subList(0, noisy);
            rounds(clients, Math.min(3, rounds)); // warm-up
            Phase all = rounds(clients, rounds);
            System.out.printf("all %d sessions: round p50 %.2f ms, p99 %.2f ms; command p50 %.2f ms, p99 %.2f ms%n",
                    n, all.roundP50(), all.roundP99(), all.cmdP50(), all.cmdP99());
            Phase calm = rounds(quiet, rounds);
            System.out.printf("%d quiet sessions, no noise: round p50 %.2f ms; command p50 %.2f ms, p99 %.2f ms%n",
                    quiet.size(), calm.roundP50(), calm.cmdP50(), calm.cmdP99());

            for (QmpClient c : loud) {
                c.executeRaw("x-flood", null).get(60, TimeUnit.SECONDS);
            }
            // Measure the steady state: let the flood and the JIT settle first.
            rounds(quiet, Math.min(3, rounds));
            Thread.sleep(Math.min(2000, 100L * rounds));
            long e0 = delivered.sum();
            long s0 = System.nanoTime();
            Phase storm = rounds(quiet, rounds);
            double seconds = (System.nanoTime() - s0) / 1e9;
            double eventsPerSecond = (delivered.sum() - e0) / seconds;
            for (QmpClient c : loud) {
                c.executeRaw("x-flood-stop", null).get(60, TimeUnit.SECONDS);
            }
            long dropped = subscriptions.stream().mapToLong(EventSubscription::dropped).sum();
            System.out.printf("%d quiet sessions while %d flood events: round p50 %.2f ms; command p50 %.2f ms, p99 %.2f ms;"
                    + " %.0f events/s delivered to listeners (%d dropped by full subscription queues)%n", quiet.size(), noisy,
                    storm.roundP50(), storm.cmdP50(), storm.cmdP99(), eventsPerSecond, dropped);
            System.out.printf("quiet-session command latency under noise / without: p50 %.2f, p99 %.2f (target <= 2)%n",
                    storm.cmdP50() / calm.cmdP50(), storm.cmdP99() / calm.cmdP99());
            return new Figures(n, connectAllMs, perSessionKiB, threads, ioThreads, all.roundP50(), all.roundP99(),
                    calm.cmdP50(), calm.cmdP99(), storm.cmdP50(), storm.cmdP99(), eventsPerSecond, dropped);
        } finally {
            subscriptions.forEach(EventSubscription::close);
            clients.forEach(QmpClient::closeAsync);
            for (QmpClient c : clients) {
                c.whenClosed().get(30, TimeUnit.SECONDS);
            }
            resources.close();
        }
    }

    /** Round and per-command latencies of one phase, in ms. */
    private record Phase(double roundP50, double roundP99, double cmdP50, double cmdP99) {
    }

    /** {@code rounds} times: query-status on every client at once, waiting for all replies. */
    private static Phase rounds(List<QmpClient> clients, int rounds) throws Exception {
        double[] roundMs = new double[rounds];
        double[] cmdMs = new double[rounds * clients.size()];
        for (int r = 0; r < rounds; r++) {
            CompletableFuture<?>[] fs = new CompletableFuture<?>[clients.size()];
            long start = System.nanoTime();
            for (int i = 0; i < fs.length; i++) {
                int slot = r * fs.length + i;
                long sent = System.nanoTime();
                fs[i] = clients.get(i).execute(new QueryStatus()).thenAccept(s -> cmdMs[slot] = (System.nanoTime() - sent) / 1e6);
            }
            CompletableFuture.allOf(fs).get(120, TimeUnit.SECONDS);
            roundMs[r] = (System.nanoTime() - start) / 1e6;
        }
        return new Phase(percentile(roundMs, 50), percentile(roundMs, 99), percentile(cmdMs, 50), percentile(cmdMs, 99));
    }

    private static double percentile(double[] values, int p) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }

    /** @return the heap in use after three GCs (what the scale benchmark and the soak report) */
    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Process startFarm(Path dir, int count) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                FakeQmpFarm.class.getName(), dir.toString(), Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String first;
        try {
            first = line.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            first = null;
        }
        if (!"ready".equals(first)) {
            p.destroyForcibly();
            throw new IllegalStateException("the fake monitors did not start (first line: " + first + ")");
        }
        return p;
    }

    private static void startQemus(Path dir, int count, List<QemuProcess> into) throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "idle-" + i;
                fs.add(starter.submit(() -> into.add(QemuProcess.builder().name(name).workDir(dir).machine("none")
                        .memoryMiB(16).lifetime(Duration.ofMinutes(30)).start())));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            starter.shutdown();
        }
    }

    private static long rssKiB(QemuProcess vm) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + vm.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux: count as 0
        }
        return 0;
    }

    /** Fails early, with the fix, when the process may not open enough files. */
    private static void requireOpenFiles(long needed) throws IOException {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.exists(limits)) {
            return;
        }
        for (String l : Files.readAllLines(limits)) {
            if (l.startsWith("Max open files")) {
                String soft = l.substring("Max open files".length()).trim().split("\\s+")[0];
                if (!soft.equals("unlimited") && Long.parseLong(soft) < needed) {
                    throw new IllegalStateException("this needs about " + needed + " open files but the limit is " + soft
                            + ": run `ulimit -n " + needed + "` first, or pass fewer sessions");
                }
            }
        }
    }
}
