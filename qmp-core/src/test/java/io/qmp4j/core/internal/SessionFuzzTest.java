package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpState;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the decoder and the session handler with QMP traffic built from real QEMU 7.2
 * transcripts (the recorded replies), then mutated: bytes flipped, dropped, duplicated, spliced,
 * truncated, random bytes inserted, replies out of order or with foreign ids, events interleaved.
 * Each case must end with every pending command completed (a result or a {@link QmpException})
 * once the channel closes, and no exception escaping the pipeline. A fixed
 * seed runs in the suite; {@code -Dqmp4j.fuzz.cases=N -Dqmp4j.fuzz.seed=S} runs longer.
 */
class SessionFuzzTest {

    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
            + " \"package\": \"Debian\"}, \"capabilities\": [\"oob\"]}}\r\n";
    private static final List<String> REPLIES = new ArrayList<>();
    private static HashedWheelTimer timer;

    @BeforeAll
    static void load() throws Exception {
        timer = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);
        try (InputStream in = SessionFuzzTest.class.getResourceAsStream("/io/qmp4j/core/qapi/qemu-7.2-replies.json")) {
            for (JsonNode n : Json.MAPPER.readTree(in)) {
                REPLIES.add(Json.MAPPER.writeValueAsString(n.get("return")));
            }
        }
        assertTrue(REPLIES.size() > 10);
    }

    @AfterAll
    static void stop() {
        timer.stop();
    }

    @Test
    void mutatedTrafficNeverEscapesNorHangsNorLeaks() {
        int cases = Integer.getInteger("qmp4j.fuzz.cases", 3000);
        long seed = Long.getLong("qmp4j.fuzz.seed", 20261125L);
        Random rnd = new Random(seed);
        int ended = 0;
        // Each broken case logs a WARN (slf4j-simple writes to System.err): keep the build log readable.
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        int[] endedBox = {0};
        // A hang fails the run: 60 s plus 5 ms a case (a case takes ~0.15 ms here), so that
        // longer runs get time in proportion.
        Duration budget = Duration.ofSeconds(60).plusMillis(5L * cases);
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(budget, () -> {
                for (int i = 0; i < cases; i++) {
                    try {
                        if (oneCase(rnd)) {
                            endedBox[0]++;
                        }
                    } catch (Throwable t) {
                        throw new AssertionError("fuzz case " + i + " (seed " + seed + ") failed", t);
                    }
                }
            });
            ended = endedBox[0];
        } finally {
            System.setErr(err);
        }
        System.out.printf("fuzz: %d cases (seed %d), %d ended the session with a protocol error, the rest stayed up%n", cases,
                seed, ended);
    }

    /** @return whether the session ended (a protocol error) before the channel was closed */
    private static boolean oneCase(Random rnd) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel();
        EventHub hub = new EventHub(Runnable::run, timer, 16, "fuzz");
        QmpSession session = new QmpSession(new SessionConfig(QmpEndpoint.unix(Path.of("/fuzz")), null, Runnable::run, timer,
                Duration.ofSeconds(5), Duration.ofSeconds(30), rnd.nextBoolean(), 1 << 16, 8, 16, "fuzz", false, false), hub);
        CompletableFuture<?> connected = session.attach(ch);
        feed(ch, GREETING);
        drain(ch);
        feed(ch, "{\"return\": {}, \"id\": 0}\r\n");
        if (session.state() != QmpState.RUNNING) {
            throw new AssertionError("negotiation failed: " + session.state());
        }
        List<CompletableFuture<?>> pending = new ArrayList<>();
        int n = 1 + rnd.nextInt(6);
        for (int i = 0; i < n && session.state() == QmpState.RUNNING; i++) {
            pending.add(session.submit(QmpCommand.raw("cmd" + i, null), Duration.ofSeconds(30), null));
        }
        drain(ch);
        // The traffic QEMU would send: the replies (ids 1..n, shuffled), events in between.
        StringBuilder traffic = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add(i);
        }
        java.util.Collections.shuffle(ids, rnd);
        for (int id : ids) {
            if (rnd.nextInt(4) == 0) {
                traffic.append("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}\r\n");
            }
            String ret = REPLIES.get(rnd.nextInt(REPLIES.size()));
            traffic.append(rnd.nextInt(10) == 0 ? "{\"error\": {\"class\": \"GenericError\", \"desc\": \"x\"}, \"id\": " + id + "}"
                    : "{\"return\": " + ret + ", \"id\": " + (rnd.nextInt(20) == 0 ? id + 1000 : id) + "}").append("\r\n");
        }
        byte[] bytes = mutate(traffic.toString().getBytes(StandardCharsets.UTF_8), rnd);
        // Delivered in random slices, as TCP may.
        int pos = 0;
        while (pos < bytes.length && ch.isOpen()) {
            int len = Math.min(bytes.length - pos, 1 + rnd.nextInt(4096));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, pos, len));
            ch.runPendingTasks();
            pos += len;
        }
        boolean endedEarly = !ch.isOpen();
        ch.close();
        ch.runPendingTasks();
        for (CompletableFuture<?> f : pending) {
            assertTrue(f.isDone(), "a pending command was left hanging after close");
            if (f.isCompletedExceptionally()) {
                try {
                    f.getNow(null);
                } catch (java.util.concurrent.CompletionException e) {
                    assertTrue(e.getCause() instanceof QmpException, "untyped failure: " + e.getCause());
                }
            }
        }
        assertTrue(connected.isDone());
        ch.checkException(); // nothing escaped the pipeline
        ch.finishAndReleaseAll();
        return endedEarly;
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in;
        int mutations = rnd.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = rnd.nextInt(b.length);
            switch (rnd.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));                 // flip a bit
                case 1 -> b = splice(b, at, at + 1 + rnd.nextInt(Math.min(16, b.length - at)), new byte[0]);  // drop
                case 2 -> b = splice(b, at, at, java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + 1 + rnd.nextInt(64)))); // dup
                case 3 -> {                                                      // random bytes
                    byte[] junk = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(junk);
                    b = splice(b, at, at, junk);
                }
                case 4 -> b = java.util.Arrays.copyOf(b, at);                    // truncate
                default -> b = splice(b, at, at, "{\"return\": [[[[".getBytes(StandardCharsets.US_ASCII)); // unbalanced
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static void feed(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        ch.runPendingTasks();
    }

    private static void drain(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            b.release();
        }
    }
}
