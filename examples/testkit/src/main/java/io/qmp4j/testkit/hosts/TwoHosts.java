package io.qmp4j.testkit.hosts;

import io.qmp4j.testkit.qemu.HostTools;
import io.qmp4j.testkit.tls.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two hosts on one machine, for testing a control plane: each host a network namespace, joined
 * by a migration link (a veth pair, optionally rate-limited with {@code tc tbf}), each reached
 * from the root namespace, where the controller runs, over a management link of its own. Each
 * host has a private disk directory, mounted at one shared path in its QEMUs' mount namespaces,
 * and both see {@link #sharedDir()}: a shared-storage directory. Addresses are 10.N.1.0/24
 * (migration), 10.N.2.0/24 and 10.N.3.0/24 (management), N chosen at random per topology.
 *
 * <p>Needs root ({@code ip netns}, {@code mount}); {@link #unavailable()} says why not. Every
 * namespace and link is removed by {@link #close()}, and by a JVM shutdown hook when a test dies
 * before; QEMUs started on a host are the caller's to close (before this).
 *
 * @since 0.2
 */
public final class TwoHosts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TwoHosts.class);

    private final String id;
    private final Path workDir;
    private final Host a;
    private final Host b;
    private final Thread cleanup;
    private volatile boolean closed;

    private TwoHosts(String id, int net, Path workDir) throws IOException {
        this.id = id;
        this.workDir = workDir;
        Path disks = HostTools.ownerOnlyDirectory(workDir.resolve("disks"));
        Certificates.Authority ca = Certificates.authority(workDir.resolve("ca"), "qmp4j two-hosts CA " + id);
        this.a = host("a", net, 1, 2, disks, ca);
        this.b = host("b", net, 2, 3, disks, ca);
        HostTools.ownerOnlyDirectory(sharedDir());
        this.cleanup = new Thread(this::teardown, "qmp4j-two-hosts-" + id);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    private Host host(String name, int net, int migrationHost, int mgmtNet, Path disks, Certificates.Authority ca) {
        Path dir = HostTools.ownerOnlyDirectory(workDir.resolve("host-" + name));
        String mig = "10." + net + ".1." + migrationHost;
        String mgmt = "10." + net + "." + mgmtNet + ".2";
        Path tls = ca.issueAll(dir.resolve("tls"), List.of(mgmt, mig, "host-" + name));
        return new Host(name, "qmp4j-" + id + "-" + name, mig, mgmt, "10." + net + "." + mgmtNet + ".1",
                HostTools.ownerOnlyDirectory(dir.resolve("disks")), disks, tls, dir);
    }

    /**
     * @return why this machine cannot host the topology (not root, no {@code ip netns}), or {@code null} when it can
     */
    public static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the two-host topology needs root (ip netns, mount): running as " + System.getProperty("user.name");
        }
        try {
            HostTools.run("ip", "netns", "list");
            HostTools.run("unshare", "--mount", "true");
            return null;
        } catch (Exception e) {
            return "the two-host topology needs ip netns and unshare --mount: " + e.getMessage();
        }
    }

    /**
     * Creates the namespaces and links.
     *
     * @param workDir a directory of the topology's own (certificates, disks, sockets, logs)
     * @return the topology; close it to remove it
     * @throws IllegalStateException when a step fails (what was made is removed)
     */
    public static TwoHosts create(Path workDir) {
        SecureRandom r = new SecureRandom();
        String id = HexFormat.of().toHexDigits((short) r.nextInt());
        TwoHosts t;
        try {
            t = new TwoHosts(id, freeNet(r), HostTools.ownerOnlyDirectory(workDir));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the two-host topology: " + e.getMessage(), e);
        }
        try {
            t.build();
            return t;
        } catch (Exception e) {
            t.close();
            throw new IllegalStateException("cannot create the two-host topology: " + e.getMessage(), e);
        }
    }

    /**
     * A second octet N such that no address of this machine, and no route narrower than a /15
     * (e.g. a CI runner's own 10.x network), is in 10.N.0.0/16: the management links' routes live
     * in the root namespace and must not shadow those. A broad route (10.0.0.0/8) loses only the
     * topology's three /24s while it exists.
     */
    private static int freeNet(SecureRandom r) throws IOException {
        String used;
        try {
            used = HostTools.run("ip", "-4", "-o", "addr", "show") + HostTools.run("ip", "-4", "route", "show", "table", "all");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        java.util.Set<Integer> taken = taken(used);
        for (int attempt = 0; attempt < 500; attempt++) {
            int n = 100 + r.nextInt(150);
            if (!taken.contains(n)) {
                return n;
            }
        }
        throw new IOException("no free 10.N.0.0/16 for the two-host topology: 10.100-249 are all in use here");
    }

    private static final java.util.regex.Pattern TEN = java.util.regex.Pattern.compile(
            "\\b10\\.(\\d{1,3})\\.\\d{1,3}\\.\\d{1,3}(?:/(\\d{1,2}))?");

    /**
     * @param ipOutput what {@code ip -4 -o addr show} and {@code ip -4 route show table all} print
     * @return the second octets of every 10.x address, and of every 10.x route of /16 or narrower, in it
     */
    static java.util.Set<Integer> taken(String ipOutput) {
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        java.util.regex.Matcher m = TEN.matcher(ipOutput);
        while (m.find()) {
            int len = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
            if (len >= 16) {
                taken.add(Integer.parseInt(m.group(1)));
            }
        }
        return taken;
    }

    private void build() throws Exception {
        for (Host h : List.of(a, b)) {
            ip("netns", "add", h.netns());
            ip("-n", h.netns(), "link", "set", "lo", "up");
            String root = mgmtDevice(h);
            ip("link", "add", root, "type", "veth", "peer", "name", "mgmt0", "netns", h.netns());
            ip("addr", "add", h.controllerAddress() + "/24", "dev", root);
            ip("link", "set", root, "up");
            ip("-n", h.netns(), "addr", "add", h.managementAddress() + "/24", "dev", "mgmt0");
            ip("-n", h.netns(), "link", "set", "mgmt0", "up");
        }
        ip("-n", a.netns(), "link", "add", "mig0", "type", "veth", "peer", "name", "mig0", "netns", b.netns());
        for (Host h : List.of(a, b)) {
            ip("-n", h.netns(), "addr", "add", h.migrationAddress() + "/24", "dev", "mig0");
            ip("-n", h.netns(), "link", "set", "mig0", "up");
        }
        log.info("two hosts {}: a = {} (migration {}, management {}), b = {} (migration {}, management {})", id, a.netns(),
                a.migrationAddress(), a.managementAddress(), b.netns(), b.migrationAddress(), b.managementAddress());
    }

    private String mgmtDevice(Host h) {
        return "q4-" + id + "-" + h.name(); // at most 15 characters
    }

    /** @return the source host */
    public Host a() {
        return a;
    }

    /** @return the destination host */
    public Host b() {
        return b;
    }

    /** @return a directory both hosts see at the same path: shared storage */
    public Path sharedDir() {
        return workDir.resolve("shared");
    }

    /**
     * Takes the migration link down or up (both hosts keep their addresses; while it is down
     * neither reaches the other). Host {@code a}'s end goes down first and comes up last: while
     * it is down, a connect from {@code a} fails at once (no route); were {@code a} up with
     * {@code b} still down, it would send its SYN into the void and hang — and QEMU 7.2, as a
     * source resuming post-copy from {@code a}, aborts when such a connect completes after a
     * later attempt got through (see docs/compatibility.md).
     *
     * @param up whether the link is to be up
     */
    public void migrationLink(boolean up) {
        Host first = up ? b : a;
        Host second = up ? a : b;
        ip("-n", first.netns(), "link", "set", "mig0", up ? "up" : "down");
        ip("-n", second.netns(), "link", "set", "mig0", up ? "up" : "down");
        log.info("two hosts {}: migration link {}", id, up ? "up" : "down");
    }

    /**
     * Takes one host's management link down or up: the controller loses (or regains) its monitors there.
     *
     * @param h the host
     * @param up whether the link is to be up
     */
    public void managementLink(Host h, boolean up) {
        ip("link", "set", mgmtDevice(h), up ? "up" : "down");
        log.info("two hosts {}: management link of host {} {}", id, h.name(), up ? "up" : "down");
    }

    /**
     * Limits the migration link in both directions ({@code tc qdisc tbf}).
     *
     * @param mbit megabits per second; 0 removes the limit
     */
    public void bandwidth(long mbit) {
        for (Host h : List.of(a, b)) {
            if (mbit == 0) {
                run(false, "ip", "netns", "exec", h.netns(), "tc", "qdisc", "del", "dev", "mig0", "root");
            } else {
                run(true, "ip", "netns", "exec", h.netns(), "tc", "qdisc", "replace", "dev", "mig0", "root", "tbf", "rate",
                        mbit + "mbit", "burst", "256kb", "latency", "200ms");
            }
        }
        log.info("two hosts {}: migration link limited to {}", id, mbit == 0 ? "nothing" : mbit + " Mbit/s");
    }

    /** Removes the namespaces and links (the veth pairs go with them), and the shutdown hook. */
    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        for (Host h : List.of(a, b)) {
            run(false, "ip", "link", "del", mgmtDevice(h));
            run(false, "ip", "netns", "del", h.netns());
        }
        log.info("two hosts {}: removed", id);
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(true, cmd.toArray(String[]::new));
    }

    private static void run(boolean required, String... cmd) {
        try {
            HostTools.run(cmd);
        } catch (Exception e) {
            if (required) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            log.debug("{} failed: {}", String.join(" ", cmd), e.getMessage());
        }
    }

    /** @return the namespaces of the two hosts, for a test that checks nothing was left */
    public List<String> namespaces() {
        return List.of(a.netns(), b.netns());
    }

    /** @return whether {@code ip netns} still lists a namespace of this topology */
    public boolean leftBehind() throws IOException, InterruptedException {
        String out = HostTools.run("ip", "netns", "list");
        return namespaces().stream().anyMatch(out::contains) || Files.exists(Path.of("/run/netns", a.netns()));
    }
}
