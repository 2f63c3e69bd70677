package io.qmp4j.testkit.hosts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmp4j.testkit.qemu.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a JVM killed outright (SIGKILL: no shutdown hook) leaves is removed; a live run's topology is not. */
class OwnersTest {

    private final List<String> ids = new ArrayList<>();

    @AfterEach
    void removeWhatIsLeft() throws Exception {
        for (String id : ids) {
            HostTools.exec(Duration.ofSeconds(30), "ip", "link", "del", "q4-" + id + "-a");
            HostTools.exec(Duration.ofSeconds(30), "ip", "netns", "del", "qmp4j-" + id + "-net");
            Owners.release(id);
        }
    }

    @Test
    void theNamespacesAndLinksOfADeadOwnerGoThoseOfALiveOneStay() throws Exception {
        String why = Hosts.unavailable();
        assumeTrue(why == null, () -> "skipped: " + why);
        Process gone = new ProcessBuilder("true").start();
        String deadOwner = Owners.describe(gone.toHandle());
        gone.waitFor();

        String dead = topology(deadOwner);
        String neverWritten = topology(null);
        String live = topology(Owners.describe(ProcessHandle.current()));

        Set<String> removed = Owners.sweep();

        assertTrue(removed.containsAll(Set.of(dead, neverWritten)), "removed " + removed);
        assertFalse(removed.contains(live), "removed " + removed);
        for (String id : List.of(dead, neverWritten)) {
            assertFalse(exists(id), "hosts " + id + " left behind");
            assertFalse(Files.exists(Owners.DIR.resolve(id)), "the owner of " + id + " left behind");
        }
        assertTrue(exists(live), "a live JVM's topology was removed");
    }

    /** A topology's namespace and management link, as {@link Hosts} names them, owned by {@code owner} (none when null). */
    private String topology(String owner) throws Exception {
        String id;
        do {
            id = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        } while (ids.contains(id) || Files.exists(Path.of("/run/netns", "qmp4j-" + id + "-net")));
        ids.add(id);
        if (owner != null) {
            Files.createDirectories(Owners.DIR);
            Files.writeString(Owners.DIR.resolve(id), owner);
        }
        HostTools.run("ip", "netns", "add", "qmp4j-" + id + "-net");
        HostTools.run("ip", "link", "add", "q4-" + id + "-a", "type", "veth", "peer", "name", "mgmt0", "netns", "qmp4j-" + id + "-net");
        return id;
    }

    private static boolean exists(String id) throws Exception {
        return Files.exists(Path.of("/run/netns", "qmp4j-" + id + "-net"))
                || HostTools.run("ip", "-o", "link", "show").contains("q4-" + id + "-a");
    }
}
