package io.qmp4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.testkit.qemu.Accelerator;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.QemuProcess;
import io.qmp4j.testkit.qemu.TestGuest;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationUri;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What the SDK's orchestration costs: the same shared-storage migration of the test guest driven
 * (a) by the SDK (pre-flight checks, settings saved and restored, events and progress) and (b) by
 * the bare QMP sequence written by hand as raw JSON over plain sockets, alternating; medians of
 * QEMU's total time and downtime, of the wall time from the first command to the VM running on
 * the destination, and the ratios SDK/hand.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.bench.OrchestrationBenchmark [RUNS_EACH] [RAM_MiB] [DIRTY_MiB_s]</pre>
 */
public final class OrchestrationBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OrchestrationBenchmark() {
    }

    /** One migration's figures, ms. */
    private record Run(double total, double downtime, double wall) {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int ram = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        Path work = Files.createTempDirectory("qmp4j-bench-orch");
        Path cache = TestGuest.defaultCache();
        System.out.printf("orchestration benchmark: %d migrations each way, guest %d MiB (%d MiB written, %d MiB/s dirtied), %s,"
                + " UNIX socket stream%n", runs, ram, ram - 64, rate, Accelerator.detect());
        Run[] sdk = new Run[runs];
        Run[] hand = new Run[runs];
        try (QmpResources resources = QmpResources.create()) {
            for (int i = 0; i < runs; i++) {
                for (int way = 0; way < 2; way++) {
                    QemuProcess.Builder vm = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache,
                            ram - 64, rate, true).lifetime(Duration.ofMinutes(5));
                    try (QemuProcess src = vm.name("src").start();
                         QemuProcess dst = TestGuest.boot(QemuProcess.builder().workDir(work).memoryMiB(ram).paused(false), cache,
                                 ram - 64, rate, true).name("dst").incomingDefer(true).lifetime(Duration.ofMinutes(5)).start()) {
                        waitFilled(resources, src, ram - 64);
                        Path stream = work.resolve("m" + i + way + ".sock");
                        Run r = way == 0 ? bySdk(resources, src, dst, stream) : byHand(src, dst, stream);
                        (way == 0 ? sdk : hand)[i] = r;
                        System.out.printf("  run %d %-4s total %5.0f ms  downtime %4.0f ms  wall %5.0f ms%n", i + 1,
                                way == 0 ? "SDK" : "hand", r.total(), r.downtime(), r.wall());
                    }
                }
            }
        } finally {
            HostTools.deleteTree(work);
        }
        double st = median(sdk, Run::total);
        double ht = median(hand, Run::total);
        double sd = median(sdk, Run::downtime);
        double hd = median(hand, Run::downtime);
        double sw = median(sdk, Run::wall);
        double hw = median(hand, Run::wall);
        System.out.printf("%nmedians: SDK total %.0f ms, downtime %.0f ms, wall %.0f ms; hand total %.0f ms, downtime %.0f ms,"
                + " wall %.0f ms%nratios SDK/hand: total %.2f, downtime %.2f, wall %.2f (target <= 1.05 for total and downtime)%n",
                st, sd, sw, ht, hd, hw, st / ht, sd / hd, sw / hw);
    }

    private static void waitFilled(QmpResources resources, QemuProcess q, int mib) throws Exception {
        try (QmpClient c = QmpClient.builder().endpoint(q.qmp()).resources(resources).build()) {
            c.connect().get(10, TimeUnit.SECONDS);
            TestGuest.awaitFilled(c, mib, Duration.ofSeconds(60));
        }
    }

    private static Run bySdk(QmpResources resources, QemuProcess src, QemuProcess dst, Path stream) throws Exception {
        try (QmpClient s = QmpClient.builder().endpoint(src.qmp()).resources(resources).build();
             QmpClient d = QmpClient.builder().endpoint(dst.qmp()).resources(resources).build()) {
            s.connect().get(10, TimeUnit.SECONDS);
            d.connect().get(10, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            MigrationResult r = Migration.builder().source(s).destination(d).uri(MigrationUri.unix(stream))
                    .maxDowntime(Duration.ofMillis(300)).build().start().completion().get(120, TimeUnit.SECONDS);
            long wall = System.nanoTime() - t0;
            return new Run(r.totalTime().toMillis(), r.downtime().toMillis(), wall / 1e6);
        }
    }

    /** The bare sequence: capabilities and listen on the destination, parameters and migrate on the source, poll to the end. */
    private static Run byHand(QemuProcess src, QemuProcess dst, Path stream) throws Exception {
        try (Raw s = new Raw(src.qmp()); Raw d = new Raw(dst.qmp())) {
            long t0 = System.nanoTime();
            d.call("{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{\"capability\":\"events\",\"state\":true}]}}");
            d.call("{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"unix:" + stream + "\"}}");
            s.call("{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{\"capability\":\"events\",\"state\":true}]}}");
            s.call("{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"max-bandwidth\":10737418240,\"downtime-limit\":300}}");
            s.call("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:" + stream + "\"}}");
            JsonNode info;
            while (true) {
                info = s.call("{\"execute\":\"query-migrate\"}");
                String st = info.path("status").asText();
                if (st.equals("completed") && info.path("total-time").asLong() > 0) {
                    break;
                }
                if (st.equals("failed") || st.equals("cancelled")) {
                    throw new IllegalStateException("migration " + st + ": " + info);
                }
                Thread.sleep(5);
            }
            while (!d.call("{\"execute\":\"query-status\"}").path("status").asText().equals("running")) {
                Thread.sleep(5);
            }
            long wall = System.nanoTime() - t0;
            return new Run(info.path("total-time").asDouble(), info.path("downtime").asDouble(), wall / 1e6);
        }
    }

    /** A blocking QMP connection that sends raw JSON and returns each reply's "return", skipping events. */
    private static final class Raw implements AutoCloseable {
        private final SocketChannel ch;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 20);
        private final StringBuilder line = new StringBuilder();

        Raw(QmpEndpoint ep) throws Exception {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(((QmpEndpoint.Unix) ep).path()));
            in.flip();
            readMessage(); // greeting
            call("{\"execute\":\"qmp_capabilities\"}");
        }

        JsonNode call(String command) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(command.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            while (true) {
                JsonNode m = readMessage();
                if (m.has("return")) {
                    return m.get("return");
                }
                if (m.has("error")) {
                    throw new IOException(command + ": " + m.get("error"));
                }
            }
        }

        private JsonNode readMessage() throws IOException {
            while (true) {
                while (in.hasRemaining()) {
                    char c = (char) in.get();
                    if (c == '\n') {
                        String text = line.toString();
                        line.setLength(0);
                        if (!text.isBlank()) {
                            return JSON.readTree(text);
                        }
                    } else {
                        line.append(c);
                    }
                }
                in.clear();
                if (ch.read(in) < 0) {
                    throw new IOException("QEMU closed the connection");
                }
                in.flip();
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    private static double median(Run[] runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = Arrays.stream(runs).mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
