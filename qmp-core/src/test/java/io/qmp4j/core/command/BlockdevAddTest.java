package io.qmp4j.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qmp4j.core.internal.Json;
import org.junit.jupiter.api.Test;

/** {@code blockdev-add} is a plain value, encoded only when sent: what QEMU receives. */
class BlockdevAddTest {

    @Test
    void anNbdNodeIsEncodedWithTheFlatSocketAddressAndNoNulls() {
        BlockdevAdd b = BlockdevAdd.nbd("n0", SocketAddress.inet("10.0.0.2", 10809), "vda", "tls0").withOption("read-only", false);
        assertEquals("{\"driver\":\"nbd\",\"node-name\":\"n0\",\"server\":{\"type\":\"inet\",\"host\":\"10.0.0.2\",\"port\":\"10809\"},"
                + "\"export\":\"vda\",\"tls-creds\":\"tls0\",\"read-only\":false}", Json.arguments(b).toString());
    }

    @Test
    void optionsAreCopiedAndCheckedWhenBuilt() {
        BlockdevAdd f = BlockdevAdd.file("f0", "/d.img");
        assertEquals("{\"driver\":\"file\",\"node-name\":\"f0\",\"filename\":\"/d.img\"}", Json.arguments(f).toString());
        assertEquals(f, BlockdevAdd.file("f0", "/d.img"), "equal options, equal commands");
        assertThrows(UnsupportedOperationException.class, () -> f.options().put("x", 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockdevAdd(java.util.Map.of("node-name", "x")));
        assertThrows(NullPointerException.class, () -> f.withOption("cache", null));
    }
}
