package io.qmp4j.testkit.hosts;

import io.qmp4j.testkit.qemu.HostTools;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns each topology, so that the topologies of a JVM killed before its shutdown hook ran (a
 * test fork killed at its timeout gets SIGKILL) do not outlive it by more than the next topology's
 * start. A topology's owner (its JVM's PID and start time) is written to {@code DIR/<id>} before its
 * first namespace is made and removed after its last; {@link #sweep} removes every {@code qmp4j-<id>-*}
 * namespace and {@code q4-<id>-*} management link whose owner is gone, or was never written (made by a
 * build before this one). On a tmpfs ({@code /run}), as the namespaces are: a reboot clears both.
 */
final class Owners {

    /** Where the owners are written. */
    static final Path DIR = Path.of("/run/qmp4j-hosts");

    private static final Logger log = LoggerFactory.getLogger(Owners.class);
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Pattern NETNS = Pattern.compile("qmp4j-([0-9a-f]{4})-[a-z]+");
    private static final Pattern LINK = Pattern.compile("^\\d+: (q4-([0-9a-f]{4})-[a-z]+)[@:]", Pattern.MULTILINE);

    private Owners() {
    }

    /** Writes this JVM as the owner of topology {@code id}. */
    static void claim(String id) throws IOException {
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve(id), describe(ProcessHandle.current()));
    }

    /** The topology is gone: so is its owner. */
    static void release(String id) {
        try {
            Files.deleteIfExists(DIR.resolve(id));
        } catch (IOException e) {
            log.debug("cannot remove the owner of hosts {}: {}", id, e.getMessage());
        }
    }

    /** @return {@code "<pid> <start time>"} of a process, as {@link #claim} writes it */
    static String describe(ProcessHandle p) {
        return p.pid() + " " + p.info().startInstant().map(Instant::toString).orElse("?");
    }

    /** {@link #sweep}, which a topology does not need to succeed: a failure is logged. */
    static void sweepLeftovers() {
        try {
            sweep();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot look for the namespaces of killed runs: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while removing the namespaces of killed runs", e);
        }
    }

    /**
     * Removes the namespaces and management links of every topology whose owner is gone.
     *
     * @return the ids of the topologies removed
     */
    static Set<String> sweep() throws IOException, InterruptedException {
        Set<String> stale = new TreeSet<>();
        Set<String> namespaces = new TreeSet<>();
        if (Files.isDirectory(NETNS_DIR)) {
            try (DirectoryStream<Path> all = Files.newDirectoryStream(NETNS_DIR, "qmp4j-*")) {
                for (Path p : all) {
                    Matcher m = NETNS.matcher(p.getFileName().toString());
                    if (m.matches() && !alive(m.group(1))) {
                        stale.add(m.group(1));
                        namespaces.add(m.group());
                    }
                }
            }
        }
        Matcher links = LINK.matcher(HostTools.run("ip", "-o", "link", "show"));
        while (links.find()) {
            if (!alive(links.group(2))) {
                stale.add(links.group(2));
                HostTools.exec(Duration.ofSeconds(30), "ip", "link", "del", links.group(1));
            }
        }
        for (String n : namespaces) {
            HostTools.exec(Duration.ofSeconds(30), "ip", "netns", "del", n);
        }
        stale.forEach(Owners::release);
        if (!stale.isEmpty()) {
            log.warn("removed the namespaces and links of hosts {}: their JVM died without removing them", stale);
        }
        return stale;
    }

    private static boolean alive(String id) {
        Path owner = DIR.resolve(id);
        String written;
        try {
            written = Files.readString(owner).strip();
        } catch (IOException e) {
            return false; // never written: made by an older build, whose JVM cannot be told
        }
        String[] pidAndStart = written.split(" ", 2);
        Optional<ProcessHandle> p;
        try {
            p = ProcessHandle.of(Long.parseLong(pidAndStart[0]));
        } catch (NumberFormatException e) {
            return false;
        }
        return p.isPresent() && describe(p.get()).equals(written); // the same PID, and the same process
    }
}
