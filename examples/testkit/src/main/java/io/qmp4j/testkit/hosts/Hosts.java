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
 * Hosts on one machine, for testing a control plane: each host a network namespace, all of them
 * on one migration network (a bridge in a namespace of its own, each host's {@code mig0} a port
 * of it, optionally rate-limited with {@code tc tbf}), each reached from the root namespace,
 * where the controller runs, over a management link of its own. Each host has a private disk
 * directory, mounted at one shared path in its QEMUs' mount namespaces, and all see
 * {@link #sharedDir()}: a shared-storage directory. Hosts are named {@code a}, {@code b},
 * {@code c}…; host {@code k} (from 1) is 10.N.1.k on the migration network and 10.N.(k+1).2 on
 * its management link, N chosen at random per topology.
 *
 * <p>Needs root ({@code ip netns}, {@code mount}); {@link #unavailable()} says why not. Every
 * namespace and link is removed by {@link #close()}, and by a JVM shutdown hook when a test dies
 * before; those of a JVM killed outright (no hook runs) by the next {@link #create}. QEMUs started
 * on a host are the caller's to close (before this).
 *
 * @since 0.2
 */
public final class Hosts implements AutoCloseable {

    /** The most hosts a topology has. */
    public static final int MAX_HOSTS = 6;

    private static final Logger log = LoggerFactory.getLogger(Hosts.class);

    private final String id;
    private final Path workDir;
    private final List<Host> hosts;
    private final String switchNetns;
    private final Thread cleanup;
    private volatile boolean closed;

    private Hosts(String id, int net, int count, Path workDir) throws IOException {
        this.id = id;
        this.workDir = workDir;
        Path disks = HostTools.ownerOnlyDirectory(workDir.resolve("disks"));
        Certificates.Authority ca = Certificates.authority(workDir.resolve("ca"), "qmp4j hosts CA " + id);
        List<Host> made = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            made.add(host(String.valueOf((char) ('a' + k - 1)), net, k, disks, ca));
        }
        this.hosts = List.copyOf(made);
        this.switchNetns = "qmp4j-" + id + "-net";
        HostTools.ownerOnlyDirectory(sharedDir());
        this.cleanup = new Thread(this::teardown, "qmp4j-hosts-" + id);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    private Host host(String name, int net, int k, Path disks, Certificates.Authority ca) {
        Path dir = HostTools.ownerOnlyDirectory(workDir.resolve("host-" + name));
        String mig = "10." + net + ".1." + k;
        String mgmt = "10." + net + "." + (k + 1) + ".2";
        Path tls = ca.issueAll(dir.resolve("tls"), List.of(mgmt, mig, "host-" + name));
        return new Host(name, "qmp4j-" + id + "-" + name, mig, mgmt, "10." + net + "." + (k + 1) + ".1",
                HostTools.ownerOnlyDirectory(dir.resolve("disks")), disks, tls, dir);
    }

    /**
     * @return why this machine cannot host the topology (not root, no {@code ip netns}), or {@code null} when it can
     */
    public static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the hosts topology needs root (ip netns, mount): running as " + System.getProperty("user.name");
        }
        try {
            HostTools.run("ip", "netns", "list");
            HostTools.run("unshare", "--mount", "true");
            return null;
        } catch (Exception e) {
            return "the hosts topology needs ip netns and unshare --mount: " + e.getMessage();
        }
    }

    /**
     * Creates two hosts, {@code a} and {@code b}.
     *
     * @param workDir a directory of the topology's own (certificates, disks, sockets, logs)
     * @return the topology; close it to remove it
     * @throws IllegalStateException when a step fails (what was made is removed)
     */
    public static Hosts create(Path workDir) {
        return create(workDir, 2);
    }

    /**
     * Creates {@code count} hosts, {@code a}, {@code b}, {@code c}…
     *
     * @param workDir a directory of the topology's own (certificates, disks, sockets, logs)
     * @param count how many hosts, 2 to {@value #MAX_HOSTS}
     * @return the topology; close it to remove it
     * @throws IllegalArgumentException when {@code count} is out of range
     * @throws IllegalStateException when a step fails (what was made is removed)
     */
    public static Hosts create(Path workDir, int count) {
        if (count < 2 || count > MAX_HOSTS) {
            throw new IllegalArgumentException("a hosts topology has 2 to " + MAX_HOSTS + " hosts, not " + count);
        }
        Owners.sweepLeftovers(); // their 10.x addresses would also narrow TenNetworks.free
        SecureRandom r = new SecureRandom();
        String id = HexFormat.of().toHexDigits((short) r.nextInt());
        Hosts t;
        try {
            Owners.claim(id);
            t = new Hosts(id, TenNetworks.free(r), count, HostTools.ownerOnlyDirectory(workDir));
        } catch (IOException e) {
            Owners.release(id);
            throw new IllegalStateException("cannot create the hosts topology: " + e.getMessage(), e);
        }
        try {
            t.build();
            return t;
        } catch (Exception e) {
            t.close();
            throw new IllegalStateException("cannot create the hosts topology: " + e.getMessage(), e);
        }
    }

    private void build() {
        ip("netns", "add", switchNetns);
        ip("-n", switchNetns, "link", "add", "br0", "type", "bridge", "stp_state", "0");
        ip("-n", switchNetns, "link", "set", "br0", "up");
        for (Host h : hosts) {
            ip("netns", "add", h.netns());
            ip("-n", h.netns(), "link", "set", "lo", "up");
            String root = mgmtDevice(h);
            ip("link", "add", root, "type", "veth", "peer", "name", "mgmt0", "netns", h.netns());
            ip("addr", "add", h.controllerAddress() + "/24", "dev", root);
            ip("link", "set", root, "up");
            ip("-n", h.netns(), "addr", "add", h.managementAddress() + "/24", "dev", "mgmt0");
            ip("-n", h.netns(), "link", "set", "mgmt0", "up");
            String port = "port-" + h.name();
            ip("-n", switchNetns, "link", "add", port, "type", "veth", "peer", "name", "mig0", "netns", h.netns());
            ip("-n", switchNetns, "link", "set", port, "master", "br0", "up");
            ip("-n", h.netns(), "addr", "add", h.migrationAddress() + "/24", "dev", "mig0");
            ip("-n", h.netns(), "link", "set", "mig0", "up");
            log.info("hosts {}: {} = {} (migration {}, management {})", id, h.name(), h.netns(), h.migrationAddress(),
                    h.managementAddress());
        }
    }

    private String mgmtDevice(Host h) {
        return "q4-" + id + "-" + h.name(); // at most 15 characters
    }

    /** @return the first host (in the tests, the source) */
    public Host a() {
        return hosts.get(0);
    }

    /** @return the second host */
    public Host b() {
        return hosts.get(1);
    }

    /** @return every host, {@code a} first */
    public List<Host> hosts() {
        return hosts;
    }

    /** @return a directory every host sees at the same path: shared storage */
    public Path sharedDir() {
        return workDir.resolve("shared");
    }

    /**
     * Takes the migration link between {@code a} and {@code b} down or up: both hosts' ends
     * (they keep their addresses; while it is down neither reaches the other, and other hosts
     * are not touched). Host {@code a}'s end goes down first and comes up last: while it is
     * down, a connect from {@code a} fails at once (no route); were {@code a} up with {@code b}
     * still down, it would send its SYN into the void and hang — and QEMU 7.2, as a source
     * resuming post-copy from {@code a}, aborts when such a connect completes after a later
     * attempt got through (see docs/compatibility.md).
     *
     * @param up whether the link is to be up
     */
    public void migrationLink(boolean up) {
        Host first = up ? b() : a();
        Host second = up ? a() : b();
        ip("-n", first.netns(), "link", "set", "mig0", up ? "up" : "down");
        ip("-n", second.netns(), "link", "set", "mig0", up ? "up" : "down");
        log.info("hosts {}: migration link a-b {}", id, up ? "up" : "down");
    }

    /**
     * Takes one host's management link down or up: the controller loses (or regains) its monitors there.
     *
     * @param h the host
     * @param up whether the link is to be up
     */
    public void managementLink(Host h, boolean up) {
        ip("link", "set", mgmtDevice(h), up ? "up" : "down");
        log.info("hosts {}: management link of host {} {}", id, h.name(), up ? "up" : "down");
    }

    /**
     * Limits what every host sends on the migration network ({@code tc qdisc tbf} on its
     * {@code mig0}): between two hosts, the limit in both directions; a host sending to several
     * shares it among them, as one network interface does.
     *
     * @param mbit megabits per second; 0 removes the limit
     */
    public void bandwidth(long mbit) {
        for (Host h : hosts) {
            limit(h.netns(), "mig0", mbit);
        }
        log.info("hosts {}: migration links limited to {}", id, mbit == 0 ? "nothing" : mbit + " Mbit/s");
    }

    private static void limit(String netns, String dev, long mbit) {
        if (mbit == 0) {
            run(false, "ip", "netns", "exec", netns, "tc", "qdisc", "del", "dev", dev, "root");
        } else {
            run(true, "ip", "netns", "exec", netns, "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate",
                    mbit + "mbit", "burst", "256kb", "latency", "200ms");
        }
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
        for (Host h : hosts) {
            run(false, "ip", "link", "del", mgmtDevice(h));
            run(false, "ip", "netns", "del", h.netns());
        }
        run(false, "ip", "netns", "del", switchNetns);
        Owners.release(id);
        log.info("hosts {}: removed", id);
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

    /** @return the namespaces of the topology (its hosts' and its network's), for a test that checks nothing was left */
    public List<String> namespaces() {
        List<String> all = new ArrayList<>(hosts.stream().map(Host::netns).toList());
        all.add(switchNetns);
        return all;
    }

    /** @return whether {@code ip netns} still lists a namespace of this topology */
    public boolean leftBehind() throws IOException, InterruptedException {
        String out = HostTools.run("ip", "netns", "list");
        return namespaces().stream().anyMatch(n -> out.contains(n) || Files.exists(Path.of("/run/netns", n)));
    }
}
