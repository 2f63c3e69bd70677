package io.qmp4j.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What {@link QmpBenchmark} prints: each client's figures, and its ratios to the baseline of the same run with their targets. */
final class QmpBenchReport {

    private QmpBenchReport() {
    }

    /**
     * One client's figures. Client CPU is the JVM's process CPU; {@code …JitUs} is the part of it
     * that its JIT compiler threads spent meanwhile (compiling, not serving commands: a
     * long-running client's steady state has none of it).
     */
    record Figures(double p50Us, double p99Us, double latCmdsPerS, double latClientCpuUs, double latQemuCpuUs,
                   double batchCmdsPerS, double batchClientCpuUs, double batchQemuCpuUs, double windowCmdsPerS,
                   double connectP50Us, double connectP99Us, double latJitUs, double batchJitUs) {
    }

    /**
     * Prints every client's figures, then the ratios to the first (the blocking baseline); the
     * second is the bound of a client that waits in a selector, printed as a reference. With
     * {@code JSON} set, writes the figures to that file too.
     */
    static void report(List<String> names, List<Figures> figures, int commandBytes) throws IOException {
        Figures b = figures.get(0);
        print("baseline (plain JDK, blocking)", b);
        for (int i = 1; i < figures.size(); i++) {
            print(names.get(i), figures.get(i));
        }
        Figures bound = figures.get(1);
        System.out.println("the bound for a client whose socket is on a selector (an event loop's): " + names.get(1) + " / baseline");
        ratio("sequential round trip p50", bound.p50Us() / b.p50Us(), "reference", true);
        ratio("sequential round trip p99", bound.p99Us() / b.p99Us(), "reference", true);
        ratio("client CPU per command, sequential", bound.latClientCpuUs() / b.latClientCpuUs(), "reference", true);
        for (int i = 2; i < figures.size(); i++) {
            printRatios(names.get(i), b, figures.get(i));
        }
        String json = System.getenv("JSON");
        if (json != null) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode().put("command_bytes", commandBytes);
            for (int i = 0; i < figures.size(); i++) {
                o.set(names.get(i), toJson(m, figures.get(i)));
            }
            Files.writeString(Path.of(json), m.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            System.out.println("figures written to " + json);
        }
    }

    /** The ratios qmp4j / baseline of this run, each with its target (issue #16: at the raw client's ceiling). */
    private static void printRatios(String who, Figures b, Figures q) {
        System.out.println("ratios " + who + " / baseline (target):");
        ratio("connect + greeting + qmp_capabilities p50", q.connectP50Us() / b.connectP50Us(), "<= 1.20", q.connectP50Us() <= 1.2 * b.connectP50Us());
        ratio("sequential round trip p50", q.p50Us() / b.p50Us(), "<= 1.00", q.p50Us() <= b.p50Us());
        ratio("sequential round trip p99", q.p99Us() / b.p99Us(), "<= 1.10", q.p99Us() <= 1.1 * b.p99Us());
        ratio("pipelined throughput, window of 64", q.windowCmdsPerS() / b.windowCmdsPerS(), ">= 1.00", q.windowCmdsPerS() >= b.windowCmdsPerS());
        ratio("pipelined throughput, batches of 64", q.batchCmdsPerS() / b.batchCmdsPerS(), ">= 1.00", q.batchCmdsPerS() >= b.batchCmdsPerS());
        ratio("client CPU per command, sequential", q.latClientCpuUs() / b.latClientCpuUs(), "<= 3.00",
                q.latClientCpuUs() <= 3 * b.latClientCpuUs());
        ratio("client CPU per command, pipelined", q.batchClientCpuUs() / b.batchClientCpuUs(), "<= 2.00",
                q.batchClientCpuUs() <= 2 * b.batchClientCpuUs());
        double qSteady = q.batchClientCpuUs() - q.batchJitUs();
        double bSteady = b.batchClientCpuUs() - b.batchJitUs();
        ratio("  the same, the JIT's compiling left out", qSteady / bSteady, "<= 2.00", qSteady <= 2 * bSteady);
    }

    private static void ratio(String what, double r, String target, boolean met) {
        System.out.printf("  %-44s %5.2f  (%s)%s%n", what, r, target, met ? "" : "  missed");
    }

    private static void print(String who, Figures f) {
        System.out.printf("%-32s latency p50 %6.1f us  p99 %7.1f us  %6.0f cmds/s  client CPU %5.1f us/cmd (JIT %4.1f)  QEMU CPU %5.1f"
                + " us/cmd%n", who, f.p50Us(), f.p99Us(), f.latCmdsPerS(), f.latClientCpuUs(), f.latJitUs(), f.latQemuCpuUs());
        System.out.printf("%-32s batch-64 %6.0f cmds/s (client CPU %5.1f us/cmd (JIT %4.1f), QEMU %5.1f)  window-64 %6.0f cmds/s"
                + "  connect p50 %6.0f us  p99 %6.0f us%n", "", f.batchCmdsPerS(), f.batchClientCpuUs(), f.batchJitUs(),
                f.batchQemuCpuUs(), f.windowCmdsPerS(), f.connectP50Us(), f.connectP99Us());
    }

    private static ObjectNode toJson(ObjectMapper m, Figures f) {
        ObjectNode o = m.createObjectNode();
        o.putObject("latency").put("p50_us", f.p50Us()).put("p99_us", f.p99Us()).put("cmds_per_s", f.latCmdsPerS())
                .put("client_cpu_us_per_cmd", f.latClientCpuUs()).put("jit_cpu_us_per_cmd", f.latJitUs())
                .put("qemu_cpu_us_per_cmd", f.latQemuCpuUs());
        o.putObject("batch64").put("cmds_per_s", f.batchCmdsPerS()).put("client_cpu_us_per_cmd", f.batchClientCpuUs())
                .put("jit_cpu_us_per_cmd", f.batchJitUs())
                .put("qemu_cpu_us_per_cmd", f.batchQemuCpuUs());
        o.putObject("window64").put("cmds_per_s", f.windowCmdsPerS());
        o.putObject("connect").put("p50_us", f.connectP50Us()).put("p99_us", f.connectP99Us());
        return o;
    }
}
