package io.qmp4j.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.command.Sockets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageTest {

    @Test
    void theNbdServerListensOnTheMigrationHostAndTheNextPortUnlessGiven() {
        assertEquals(new MigrationUri("tcp:10.0.0.2:49153"), Storage.copyAll().nbdFor(MigrationUri.tcp("10.0.0.2", 49152)));
        assertEquals(new MigrationUri("tcp:[::1]:4445"), Storage.copyAll().nbdFor(MigrationUri.tcp("::1", 4444)));
        assertEquals(new MigrationUri("unix:/run/mig.sock.nbd"), Storage.copyAll().nbdFor(MigrationUri.unix(Path.of("/run/mig.sock"))));
        MigrationUri given = MigrationUri.unix(Path.of("/run/nbd.sock"));
        assertEquals(given, Storage.copyAll().nbd(given).nbdFor(MigrationUri.tcp("h", 1)));
    }

    @Test
    void migrationUrisBecomeSocketAddressesOrSayWhatIsWrong() {
        assertEquals(Sockets.inet("::1", 5), MigrationUri.tcp("::1", 5).socketAddress());
        assertEquals(Sockets.unix("/x"), new MigrationUri("unix:/x").socketAddress());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MigrationUri("tcp:host").socketAddress());
        assertTrue(e.getMessage().contains("expected tcp:HOST:PORT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MigrationUri("tcp:host:http").socketAddress());
        assertTrue(e.getMessage().contains("is not a number"), e.getMessage());
        assertTrue(new MigrationUri("tcp:127.0.0.1:4").isLocal());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MigrationUri("exec:cat > /tmp/x")).getMessage()
                .contains("exec: makes QEMU run a shell command on its host"));
        assertTrue(!new MigrationUri("tcp:10.1.1.1:4").isLocal());
    }

    @Test
    void aSelectionNamesDisksAndTheOptionsAreImmutableCopies() {
        Storage.Copy c = Storage.copy("vblk0", "disk1");
        assertEquals(List.of("vblk0", "disk1"), c.disks());
        Storage.Copy d = c.mirrorSpeed(1 << 20).writeBlocking(true);
        assertEquals(0, c.mirrorSpeed());
        assertEquals(1 << 20, d.mirrorSpeed());
        assertTrue(d.writeBlocking() && !c.writeBlocking());
        assertTrue(Storage.copyAll().all());
        assertThrows(IllegalArgumentException.class, Storage::copy);
        assertThrows(IllegalArgumentException.class, () -> Storage.copy("vblk0", " "));
        assertThrows(IllegalArgumentException.class, () -> Storage.copyAll().mirrorSpeed(-1));
    }
}
