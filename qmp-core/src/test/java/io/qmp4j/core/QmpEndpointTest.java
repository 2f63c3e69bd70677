package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QmpEndpointTest {

    @Test
    void parsesQemuNotation() {
        assertEquals(QmpEndpoint.unix(Path.of("/run/vm/qmp.sock")), QmpEndpoint.parse("unix:/run/vm/qmp.sock"));
        assertEquals(QmpEndpoint.unix(Path.of("/run/vm/qmp.sock")), QmpEndpoint.parse("unix:/run/vm/qmp.sock,server=on,wait=off"));
        assertEquals(QmpEndpoint.tcp("127.0.0.1", 4444), QmpEndpoint.parse("tcp:127.0.0.1:4444"));
        assertEquals(QmpEndpoint.tcp("::1", 4444), QmpEndpoint.parse("tcp:[::1]:4444"));
    }

    @Test
    void printsWhatItParses() {
        for (String s : new String[] {"unix:/a/b.sock", "tcp:localhost:1", "tcp:[::1]:65535"}) {
            assertEquals(s, QmpEndpoint.parse(s).toString());
        }
    }

    @Test
    void badInputNamesWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QmpEndpoint.parse("unix:")).getMessage().contains("path is empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QmpEndpoint.parse("tcp:host")).getMessage().contains("tcp:HOST:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QmpEndpoint.parse("tcp:host:http")).getMessage().contains("'http' is not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QmpEndpoint.parse("tcp:host:0")).getMessage().contains("not in 1..65535"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QmpEndpoint.parse("ftp://x")).getMessage().contains("unix:PATH or tcp:HOST:PORT"));
        assertThrows(NullPointerException.class, () -> QmpEndpoint.parse(null));
    }

    @Test
    void aSocketPathTheKernelWouldRefuseIsRefusedAtOnce() {
        String longest = "/" + "d".repeat(QmpEndpoint.Unix.MAX_PATH_BYTES - 1);
        assertEquals(longest, QmpEndpoint.parse("unix:" + longest).toString().substring("unix:".length()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QmpEndpoint.unix(Path.of(longest + "d")));
        assertTrue(e.getMessage().contains("is 108 bytes; Linux allows at most 107"), e.getMessage());
        // Bytes, not characters: the kernel counts the encoded name.
        assertThrows(IllegalArgumentException.class, () -> QmpEndpoint.unix(Path.of("/" + "é".repeat(54))));
    }
}
