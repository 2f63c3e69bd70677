package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramerTest {

    private static final String STREAM = "{\"QMP\": {\"version\": {}, \"capabilities\": [\"oob\"]}}\r\n"
            + "{\"return\": {}, \"id\": 0}\r\n"
            + "{\"event\": \"X\", \"data\": {\"s\": \"a } ] { [ \\\" \\\\\", \"t\": \"\\\\\"}}\r\n"
            + "  [1, {\"a\": [2]}]\n{\"return\": \"\\\"}\\\\\"}";

    private static final List<String> TEXTS = List.of("{\"QMP\": {\"version\": {}, \"capabilities\": [\"oob\"]}}",
            "{\"return\": {}, \"id\": 0}",
            "{\"event\": \"X\", \"data\": {\"s\": \"a } ] { [ \\\" \\\\\", \"t\": \"\\\\\"}}",
            "[1, {\"a\": [2]}]", "{\"return\": \"\\\"}\\\\\"}");

    @Test
    void everySplitOfTheStreamGivesTheSameTexts() throws IOException {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= all.length; cut++) {
            Framer f = new Framer(1 << 20);
            List<String> got = new ArrayList<>();
            f.feed(Unpooled.wrappedBuffer(all, 0, cut), collect(got));
            f.feed(Unpooled.wrappedBuffer(all, cut, all.length - cut), collect(got));
            assertEquals(TEXTS, got, "split at " + cut);
        }
    }

    @Test
    void byteByByteThroughTheReadPathGivesTheSameTexts() throws IOException {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        Framer f = new Framer(1 << 20);
        List<String> got = new ArrayList<>();
        for (byte b : all) {
            ByteBuffer room = f.space(1);
            room.put(b);
            f.filled(1, collect(got));
        }
        assertEquals(TEXTS, got);
    }

    @Test
    void somethingOtherThanJsonBetweenTextsFailsWithWhatCameInHex() throws IOException {
        Framer f = new Framer(1 << 20);
        List<String> got = new ArrayList<>();
        CorruptedFrameException e = assertThrows(CorruptedFrameException.class,
                () -> f.feed(Unpooled.copiedBuffer("{\"a\":1}\r\nQEMU", StandardCharsets.US_ASCII), collect(got)));
        assertEquals(List.of("{\"a\":1}"), got, "what came before is framed");
        assertTrue(e.getMessage().endsWith(": 51454d55"), e.getMessage());
        f.feed(Unpooled.copiedBuffer("{\"b\":2}", StandardCharsets.US_ASCII), collect(got));
        assertEquals(1, got.size(), "after the failure everything is discarded");
    }

    @Test
    void aTextOverTheLimitFailsAndItsBytesAreNotKept() throws IOException {
        Framer f = new Framer(64);
        List<String> got = new ArrayList<>();
        f.feed(Unpooled.copiedBuffer("{\"x\":\"" + "y".repeat(40) + "\"}", StandardCharsets.US_ASCII), collect(got));
        assertEquals(1, got.size(), "a text under the limit passes");
        assertThrows(TooLongFrameException.class,
                () -> f.feed(Unpooled.copiedBuffer("{\"x\":\"" + "y".repeat(100), StandardCharsets.US_ASCII), collect(got)));
        assertEquals(512, f.space(16).capacity(), "the buffer went with the failure: a new, small one");
    }

    @Test
    void aLargeTextsBufferIsDroppedOnceItIsFramed() throws IOException {
        Framer f = new Framer(1 << 20);
        List<String> got = new ArrayList<>();
        f.feed(Unpooled.copiedBuffer("{\"x\":\"" + "y".repeat(100_000) + "\"}\r\n", StandardCharsets.US_ASCII), collect(got));
        assertEquals(1, got.size());
        assertTrue(f.space(1).capacity() <= 1024, "a quiet session does not keep the large reply's buffer");
    }

    private static Framer.Sink collect(List<String> into) {
        return (b, off, len) -> into.add(new String(b, off, len, StandardCharsets.UTF_8));
    }
}
