package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.examples.bench.QmpBenchClients.Client;
import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.qemu.QemuProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * QMP round trip and throughput, qmp4j against a minimal blocking client written with the plain
 * JDK that sends the same bytes (the baseline), in one run against one real QEMU:
 * sequential {@code query-status} latency, 64 commands in flight (a batch of 64 at a time, and a
 * sliding window of 64), connect + greeting + {@code qmp_capabilities}, client CPU and QEMU CPU
 * per command; the baseline a second time with its socket non-blocking and a selector to wait in
 * (the bound for any client whose socket stays on an event loop: printed as a reference); qmp4j
 * three times: on the JDK's UNIX channel (the default), the same with
 * {@code repliesOnIoThread(true)} (replies complete their futures on the I/O thread), and with
 * {@code fdPassing(true)} on junixsocket's channel.
 *
 * <p>The measurement runs in {@code ROUNDS} short rounds; each round runs every client once, in an
 * order that rotates from round to round, and a client's figures pool its samples of all rounds.
 * A host whose speed drifts (a shared or nested machine) then slows every client alike, where
 * one long run per client would hand the drift to whichever ran at the time.
 *
 * <p>Environment: {@code SOCK} and {@code QEMU_PID} to use a running QEMU (else it starts
 * {@code qemu-system-x86_64 -machine q35 -m 64 -S -nodefaults}, KVM when usable); {@code N_LAT}
 * (5000), {@code N_PIPE} (20000), {@code N_CONNECT} (200) in all; {@code ROUNDS} (10), after
 * {@code WARM_ROUNDS} (2) of the same size whose figures are thrown away;
 * {@code OOB=0} keeps every client from negotiating out-of-band execution (they all negotiate as qmp4j does); {@code BYTES=45} makes all
 * clients send 45 bytes per command (13-digit ids: as long as
 * {@code {"execute":"query-status","id":"__qmp#00001"}}, the form of clients with string ids)
 * instead of 33; {@code JSON} names a file for the figures.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.bench.QmpBenchmark</pre>
 */
public final class QmpBenchmark {

    /** The first id of both clients: 1, or 10^12 for 45-byte commands ({@code BYTES=45}). */
    private static final long FIRST_ID = "45".equals(System.getenv("BYTES")) ? 1_000_000_000_000L : 1;

    static {
        if (FIRST_ID != 1) {
            // qmp4j counts its ids from the same first id (a knob for this benchmark only).
            System.setProperty("io.qmp4j.core.firstCommandId", Long.toString(FIRST_ID));
        }
    }

    private final Path socket;
    private final long qemuPid;

    private QmpBenchmark(Path socket, long qemuPid) {
        this.socket = socket;
        this.qemuPid = qemuPid;
    }

    /** Connects per client before measuring ({@code N_WARM_CONNECT}, default 3000). */
    private static final int warmConnects = env("N_WARM_CONNECT", 3000);

    public static void main(String[] args) throws Exception {
        run(env("N_LAT", 5000), env("N_PIPE", 20000), env("N_CONNECT", 200));
    }

    /**
     * Runs the benchmark with these sizes (the environment still chooses the QEMU and the JSON file).
     *
     * @param nLat sequential commands per client
     * @param nPipe pipelined commands per client, in each of the two pipelined forms
     * @param nConnect connects per client
     * @throws Exception when QEMU cannot be started or reached
     */
    public static void run(int nLat, int nPipe, int nConnect) throws Exception {
        String sock = System.getenv("SOCK");
        QemuProcess own = null;
        Path work = null;
        Path socket;
        long pid;
        if (sock != null) {
            socket = Path.of(sock);
            pid = Long.parseLong(System.getenv("QEMU_PID"));
        } else {
            work = Files.createTempDirectory("qmp4j-bench-qmp");
            own = QemuProcess.builder().name("bench").workDir(work).machine("q35").memoryMiB(64).paused(true).start();
            socket = ((QmpEndpoint.Unix) own.qmp()).path();
            pid = own.pid();
            System.out.println("started " + own);
        }
        try {
            new QmpBenchmark(socket, pid).measureAll(nLat, nPipe, nConnect);
        } finally {
            if (own != null) {
                own.close();
            }
            if (work != null) {
                HostTools.deleteTree(work);
            }
        }
    }

    private void measureAll(int nLat, int nPipe, int nConnect) throws Exception {
        boolean oob = !"0".equals(System.getenv("OOB"));
        try (QmpResources resources = QmpResources.create()) {
            List<Client> all = List.of(new QmpBenchClients.Raw(socket, FIRST_ID, oob, false),
                    new QmpBenchClients.Raw(socket, FIRST_ID, oob, true),
                    new QmpBenchClients.Qmp4j("qmp4j", socket, resources, false, oob, false),
                    new QmpBenchClients.Qmp4j("qmp4j, repliesOnIoThread", socket, resources, false, oob, true),
                    new QmpBenchClients.Qmp4j("qmp4j, fdPassing", socket, resources, true, oob, false));
            int rounds = Math.max(1, Math.min(env("ROUNDS", 10), nConnect));
            System.out.printf("QMP benchmark against %s (QEMU pid %d): %d sequential, 2 x %d pipelined, %d connects per client"
                    + " in %d interleaved rounds; one command is %d bytes on the wire from every client; oob %s%n", socket, qemuPid,
                    nLat, nPipe, nConnect, rounds, commandBytes(), oob ? "on" : "off");
            for (Client c : all) {
                warmUp(c, nLat, nPipe, nConnect);
            }
            // Rounds measured and thrown away first: each client's warm-up left the JIT's
            // profiles to the next, and the code they share settles only once all have run in turn.
            int warmRounds = env("WARM_ROUNDS", 2);
            List<Tally> thrownAway = tallies(all, nLat / rounds * warmRounds, nConnect / rounds * warmRounds);
            List<Tally> tallies = tallies(all, nLat / rounds * rounds, nConnect / rounds * rounds);
            for (int r = -warmRounds; r < rounds; r++) {
                for (int k = 0; k < all.size(); k++) {
                    int i = Math.floorMod(k + r, all.size());
                    measure(all.get(i), (r < 0 ? thrownAway : tallies).get(i), nLat / rounds, roundUp(nPipe / rounds), nConnect / rounds);
                }
            }
            List<String> names = new ArrayList<>();
            List<QmpBenchReport.Figures> figures = new ArrayList<>();
            for (Tally t : tallies) {
                names.add(t.name);
                figures.add(t.figures());
            }
            QmpBenchReport.report(names, figures, commandBytes());
        }
    }

    private static List<Tally> tallies(List<Client> clients, int nLat, int nConnect) {
        List<Tally> tallies = new ArrayList<>();
        for (Client c : clients) {
            tallies.add(new Tally(c.name(), nLat, nConnect));
        }
        return tallies;
    }

    /** The JIT for every client, QEMU's caches. */
    private static void warmUp(Client c, int nLat, int nPipe, int nConnect) throws Exception {
        c.open();
        for (int i = 0; i < Math.min(10000, 2 * nLat); i++) {
            c.roundTrip();
        }
        c.window(Math.min(5000, nPipe));
        c.batches(Math.min(5000, nPipe));
        c.close();
        // Connects too: a connect runs code that the command loops never reach, and the JIT
        // takes thousands of them to settle (measured without this: 4-6x the baseline, mostly
        // interpreted code and C2 compiling beside it on the two cores).
        for (int i = 0; i < Math.min(warmConnects, 20 * nConnect); i++) {
            c.open();
            c.close();
        }
    }

    private static int commandBytes() {
        return QmpBenchClients.COMMAND_PREFIX.length + Long.toString(FIRST_ID).length() + 1;
    }

    private static int roundUp(int n) {
        int w = QmpBenchClients.WINDOW;
        return Math.max(w, (n + w - 1) / w * w);
    }

    /** One round of one client, added to its tally. */
    private void measure(Client c, Tally t, int nLat, int nPipe, int nConnect) throws Exception {
        c.open();
        long cpu0 = clientCpuNanos();
        long jit0 = jitCpuNanos();
        long q0 = qemuCpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < nLat; i++) {
            long s = System.nanoTime();
            c.roundTrip();
            t.lat[t.nLat++] = System.nanoTime() - s;
        }
        t.latNanos += System.nanoTime() - t0;
        t.latCpu += clientCpuNanos() - cpu0;
        t.latJit += jitCpuNanos() - jit0;
        t.latQemu += qemuCpuNanos() - q0;

        cpu0 = clientCpuNanos();
        jit0 = jitCpuNanos();
        q0 = qemuCpuNanos();
        t0 = System.nanoTime();
        c.batches(nPipe);
        t.batchNanos += System.nanoTime() - t0;
        t.batchCpu += clientCpuNanos() - cpu0;
        t.batchJit += jitCpuNanos() - jit0;
        t.batchQemu += qemuCpuNanos() - q0;
        t.batchCmds += nPipe;

        t0 = System.nanoTime();
        c.window(nPipe);
        t.windowNanos += System.nanoTime() - t0;
        t.windowCmds += nPipe;
        c.close();

        for (int i = 0; i < nConnect; i++) {
            long s = System.nanoTime();
            c.open();
            t.con[t.nCon++] = System.nanoTime() - s;
            c.close();
        }
    }

    /** A client's samples and sums over all rounds. */
    private static final class Tally {
        final String name;
        final long[] lat;
        final long[] con;
        int nLat;
        int nCon;
        long latNanos, latCpu, latJit, latQemu, batchNanos, batchCpu, batchJit, batchQemu, batchCmds, windowNanos, windowCmds;

        Tally(String name, int nLat, int nConnect) {
            this.name = name;
            this.lat = new long[nLat];
            this.con = new long[nConnect];
        }

        QmpBenchReport.Figures figures() {
            long[] l = Arrays.copyOf(lat, nLat);
            long[] c = Arrays.copyOf(con, nCon);
            Arrays.sort(l);
            Arrays.sort(c);
            return new QmpBenchReport.Figures(l[l.length / 2] / 1000.0, l[(int) (l.length * 0.99)] / 1000.0, nLat / (latNanos / 1e9),
                    latCpu / 1000.0 / nLat, latQemu / 1000.0 / nLat, batchCmds / (batchNanos / 1e9), batchCpu / 1000.0 / batchCmds,
                    batchQemu / 1000.0 / batchCmds, windowCmds / (windowNanos / 1e9), c[c.length / 2] / 1000.0,
                    c[(int) (c.length * 0.99)] / 1000.0, latJit / 1000.0 / nLat, batchJit / 1000.0 / batchCmds);
        }
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The CPU time of every QEMU thread, in ns. */
    private long qemuCpuNanos() {
        return ThreadCpu.nanos(qemuPid, name -> true);
    }

    /** The CPU time of this JVM's JIT compiler threads, in ns: compiling, not serving commands. */
    private static long jitCpuNanos() {
        return ThreadCpu.nanos(ProcessHandle.current().pid(), ThreadCpu.JIT);
    }

    private static int env(String name, int dflt) {
        String v = System.getenv(name);
        return v == null ? dflt : Integer.parseInt(v);
    }
}
