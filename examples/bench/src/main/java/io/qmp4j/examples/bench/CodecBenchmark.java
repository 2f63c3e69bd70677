package io.qmp4j.examples.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.command.Migrations;
import io.qmp4j.core.internal.EventHub;
import io.qmp4j.core.internal.QmpSession;
import io.qmp4j.core.internal.SessionConfig;
import io.qmp4j.core.qapi.MigrateSetParameters;
import io.qmp4j.core.qapi.MigrateSetParametersCommand;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.StatusInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec on its own, without sockets or threads: a session on Netty's EmbeddedChannel, the
 * real pipeline (JSON framing, decoding, id correlation, typed results). Per message: encode a
 * command and decode its reply into a typed record; the same with arguments; decode an event.
 * Run with the GC profiler for bytes allocated per message:
 *
 * <pre>java -cp qmp4j-examples-all.jar org.openjdk.jmh.Main CodecBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    private static final byte[] STATUS_REPLY_TAIL = "}\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = ("{\"timestamp\": {\"seconds\": 1732500000, \"microseconds\": 123456}, \"event\": \"MIGRATION\","
            + " \"data\": {\"status\": \"active\"}}\r\n").getBytes(StandardCharsets.US_ASCII);

    private HashedWheelTimer timer;
    private EmbeddedChannel ch;
    private QmpSession session;
    private long nextId;
    private final QueryStatus queryStatus = new QueryStatus();
    private final MigrateSetParametersCommand setParameters = Migrations.set(MigrateSetParameters.builder()
            .downtimeLimit(300).maxBandwidth(1L << 30).multifdChannels(4).build());

    @Setup(Level.Trial)
    public void setUp() {
        timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
        ch = new EmbeddedChannel();
        EventHub hub = new EventHub(Runnable::run, timer, 16, "bench");
        session = new QmpSession(new SessionConfig(QmpEndpoint.unix(Path.of("/bench")), null, Runnable::run, timer,
                Duration.ofSeconds(5), Duration.ofSeconds(30), false, 1 << 20, 8, 16, "bench", false, false), hub);
        session.attach(ch);
        feed(("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"\"},"
                + " \"capabilities\": []}}\r\n").getBytes(StandardCharsets.US_ASCII));
        drain();
        feed("{\"return\": {}, \"id\": 0}\r\n".getBytes(StandardCharsets.US_ASCII));
        nextId = 1;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ch.finishAndReleaseAll();
        timer.stop();
    }

    private void feed(byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private int drain() {
        ch.runPendingTasks();
        int n = 0;
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            n += b.readableBytes();
            b.release();
        }
        return n;
    }

    private byte[] statusReply(long id) {
        return ("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": " + id + "}\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** query-status: encoded, on the wire, its reply decoded into a {@link StatusInfo}. */
    @Benchmark
    public StatusInfo queryStatusRoundTrip() {
        CompletableFuture<StatusInfo> f = session.submit(queryStatus, null, null);
        drain();
        feed(statusReply(nextId++));
        return f.getNow(null);
    }

    /** migrate-set-parameters with three members: arguments serialized, the empty reply decoded. */
    @Benchmark
    public Void commandWithArgumentsRoundTrip() {
        CompletableFuture<Void> f = session.submit(setParameters, null, null);
        drain();
        feed(("{\"return\": {}, \"id\": " + nextId++ + "}\r\n").getBytes(StandardCharsets.US_ASCII));
        return f.getNow(null);
    }

    /** One MIGRATION event framed, decoded and dispatched (no subscriber). */
    @Benchmark
    public void eventDecode() {
        feed(EVENT);
    }
}
