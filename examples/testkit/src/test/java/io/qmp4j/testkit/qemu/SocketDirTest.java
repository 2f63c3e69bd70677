package io.qmp4j.testkit.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class SocketDirTest {

    @TempDir
    Path tmp;

    @Test
    void aShortDirectoryIsUsedAsItIs() {
        Path dir = Path.of("/tmp");
        try (SocketDir s = SocketDir.in(dir)) {
            assertEquals(dir.resolve("a.sock"), s.resolve("a.sock"));
        }
    }

    @Test
    void aDeepDirectoryGetsAShortLinkThatHoldsTheSocketInPlaceAndGoesOnClose() throws Exception {
        // As in CI: a checkout, a build directory, a temporary directory or two.
        Path deep = Files.createDirectories(tmp.resolve("x".repeat(60)).resolve("y".repeat(60)));
        assertTrue(deep.resolve("host-1.qmp").toString().length() > QmpEndpoint.Unix.MAX_PATH_BYTES);
        Path link;
        try (SocketDir s = SocketDir.in(deep)) {
            Path sock = s.resolve("host-1.qmp");
            link = sock.getParent();
            assertTrue(sock.toString().length() <= QmpEndpoint.Unix.MAX_PATH_BYTES, sock.toString());
            assertTrue(Files.isSymbolicLink(link), link + " is a link");
            try (AFUNIXServerSocket server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(sock))) {
                assertTrue(Files.exists(deep.resolve("host-1.qmp")), "the socket lives in the work directory");
                QmpEndpoint.unix(sock); // accepted by the library
            }
        }
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the link is gone");
        assertTrue(Files.isDirectory(deep), "the work directory stays");
    }

    @Test
    void linksThatAKilledRunLeftAreSweptLinksOfLiveDirectoriesStay() throws Exception {
        Path gone = Files.createDirectory(tmp.resolve("gone"));
        Path dangling = Files.createSymbolicLink(Path.of("/tmp/qmp4j-sweeptest" + ProcessHandle.current().pid()), gone);
        Path live = Files.createSymbolicLink(Path.of("/tmp/qmp4j-livetest" + ProcessHandle.current().pid()), tmp);
        try {
            Files.delete(gone); // the run that made the link was killed, then its work directory removed
            SocketDir.sweep();
            assertFalse(Files.isSymbolicLink(dangling), "a link to a directory that is gone is swept");
            assertTrue(Files.isSymbolicLink(live), "a link to a directory that exists may be another run's: it stays");
        } finally {
            Files.deleteIfExists(dangling);
            Files.deleteIfExists(live);
        }
    }

    @Test
    void aNameNoPathCanHoldIsRefused() {
        try (SocketDir s = SocketDir.in(tmp)) {
            assertThrows(IllegalArgumentException.class, () -> s.resolve("n".repeat(120)));
        }
    }
}
