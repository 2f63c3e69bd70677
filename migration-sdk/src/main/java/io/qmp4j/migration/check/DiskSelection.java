package io.qmp4j.migration.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.qapi.BlockDeviceInfo;
import io.qmp4j.core.qapi.QueryBlock;
import io.qmp4j.core.qapi.QueryNamedBlockNodes;
import io.qmp4j.migration.Disk;
import io.qmp4j.migration.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which disks a copy-storage migration copies, each paired with its counterpart on the
 * destination, and what the openEuler guide's storage precautions find wrong with that.
 *
 * @param copied the disks to copy, with their destination counterparts, in the source's order
 * @param problems what makes the selection impossible (a disk named that does not exist, a
 *                 copied disk without a counterpart): refused even when the migration is unsafe
 * @param precautions the storage precautions broken (same image file on both ends, a shared or
 *                    read-only disk selected, a raw device as destination, sizes or formats that
 *                    differ, a disk neither copied nor shared): refused unless unsafe
 * @since 0.1
 */
public record DiskSelection(List<Pair> copied, List<String> problems, List<String> precautions) {

    /** Copies the lists. */
    public DiskSelection {
        copied = List.copyOf(copied);
        problems = List.copyOf(problems);
        precautions = List.copyOf(precautions);
    }

    /**
     * A copied disk.
     *
     * @param source the disk on the source
     * @param destination its counterpart on the destination (the same device id)
     */
    public record Pair(Disk source, Disk destination) {
    }

    /**
     * Resolves a copy-storage selection against both QEMUs.
     *
     * @param ctx both QEMUs
     * @param copy the selection
     * @return the pairs and what is wrong
     * @throws Exception when a query fails
     */
    public static DiskSelection resolve(PreflightContext ctx, Storage.Copy copy) throws Exception {
        List<Disk> src = Disk.of(ctx.query(ctx.source(), new QueryBlock()));
        List<Disk> dst = Disk.of(ctx.query(ctx.destination(), new QueryBlock()));
        List<String> problems = new ArrayList<>();
        List<String> precautions = new ArrayList<>();

        List<Disk> selected = new ArrayList<>();
        if (copy.all()) {
            for (Disk d : src) {
                if (!d.readOnly() && !shareRw(ctx, ctx.source(), d)) {
                    selected.add(d);
                }
            }
            if (selected.isEmpty()) {
                problems.add("the VM has no disk to copy (no writable, unshared disk with a medium): migrate with shared storage");
            }
        } else {
            for (String name : copy.disks()) {
                List<Disk> m = src.stream().filter(d -> d.matches(name)).toList();
                if (m.isEmpty()) {
                    problems.add("no disk '" + name + "' on the source; its disks are " + names(src)
                            + " (device id, QOM path or node name, as domblklist shows them)");
                } else if (!selected.contains(m.get(0))) {
                    selected.add(m.get(0));
                }
            }
        }

        boolean sameHost = isLocal(ctx.source().endpoint()) && isLocal(ctx.destination().endpoint());
        List<BlockDeviceInfo> dstNodes = ctx.query(ctx.destination(), new QueryNamedBlockNodes());
        List<Pair> pairs = new ArrayList<>();
        for (Disk s : selected) {
            Optional<Disk> counterpart = counterpart(s, dst);
            if (counterpart.isEmpty()) {
                problems.add("disk '" + s.id() + "' has no counterpart on the destination: start the destination with the same"
                        + " -device and an image of format " + s.format() + " and size " + s.virtualSize() + " bytes");
                continue;
            }
            Disk d = counterpart.get();
            pairs.add(new Pair(s, d));
            if (s.readOnly()) {
                precautions.add("disk '" + s.id() + "' is read-only: read-only disks are not copied; leave it out of the selection");
            }
            if (shareRw(ctx, ctx.source(), s)) {
                precautions.add("disk '" + s.id() + "' is shared (share-rw=on): a shared disk cannot be copied; leave it out"
                        + " of the selection");
            }
            if (sameFile(s.file(), d.file(), sameHost)) {
                precautions.add("disk '" + s.id() + "': source and destination open the same image " + s.file()
                        + ": copying a disk onto itself destroys it; give the destination an image of its own");
            }
            if (isRawDevice(d, dstNodes)) {
                precautions.add("disk '" + s.id() + "': the destination image " + d.file() + " is a raw block device, not a"
                        + " regular file: use an image file on the destination");
            }
            if (s.virtualSize() != d.virtualSize()) {
                precautions.add("disk '" + s.id() + "' is " + s.virtualSize() + " bytes on the source but " + d.virtualSize()
                        + " on the destination: create the destination image with the same size");
            }
            if (!s.format().equals(d.format())) {
                precautions.add("disk '" + s.id() + "' is " + s.format() + " on the source but " + d.format()
                        + " on the destination: create the destination image in the same format");
            }
        }
        // The disks that are not copied: read-only ones need their counterpart, writable ones must be shared.
        for (Disk s : src) {
            if (selected.contains(s)) {
                continue;
            }
            Optional<Disk> counterpart = counterpart(s, dst);
            if (counterpart.isEmpty()) {
                precautions.add("disk '" + s.id() + "' (" + s.file() + ") is not copied and has no counterpart on the destination");
            } else if (!s.readOnly() && !counterpart.get().file().equals(s.file())) {
                precautions.add("disk '" + s.id() + "' is not copied and not shared (the destination opens "
                        + counterpart.get().file() + ", the source " + s.file() + "): copy it too, or share it");
            }
        }
        if (dst.size() != src.size()) {
            precautions.add("the source has " + src.size() + " disks, the destination " + dst.size()
                    + ": both VMs need the same disks");
        }
        return new DiskSelection(pairs, problems, precautions);
    }

    private static Optional<Disk> counterpart(Disk s, List<Disk> dst) {
        return dst.stream().filter(d -> !s.qomPath().isEmpty() ? d.qomPath().equals(s.qomPath()) : d.device().equals(s.device()))
                .findFirst();
    }

    private static boolean shareRw(PreflightContext ctx, QmpClient c, Disk d) throws Exception {
        if (d.qomPath().isEmpty()) {
            return false;
        }
        try {
            JsonNode v = ctx.query(c, QmpCommand.raw("qom-get",
                    JsonNodeFactory.instance.objectNode().put("path", d.qomPath()).put("property", "share-rw")));
            return v.asBoolean(false);
        } catch (QmpCommandException e) {
            return false; // a device without the property cannot share its image
        }
    }

    /** The same path on one host, or two paths this process sees as one file (a link). */
    static boolean sameFile(String a, String b, boolean sameHost) {
        if (a.equals(b)) {
            return sameHost;
        }
        try {
            Path pa = Path.of(a);
            Path pb = Path.of(b);
            return sameHost && Files.exists(pa) && Files.exists(pb) && Files.isSameFile(pa, pb);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isRawDevice(Disk d, List<BlockDeviceInfo> nodes) {
        for (BlockDeviceInfo n : nodes) {
            if (d.file().equals(n.file()) && ("host_device".equals(n.drv()) || "host_cdrom".equals(n.drv()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param e a monitor's endpoint
     * @return whether it is on this host (a UNIX socket or a loopback address)
     */
    static boolean isLocal(QmpEndpoint e) {
        if (e instanceof QmpEndpoint.Tcp t) {
            return t.host().equals("localhost") || t.host().startsWith("127.") || t.host().equals("::1");
        }
        return e instanceof QmpEndpoint.Unix;
    }

    private static String names(List<Disk> disks) {
        List<String> n = new ArrayList<>();
        disks.forEach(d -> n.add(d.id() + (d.nodeName().isEmpty() ? "" : " (node " + d.nodeName() + ")")));
        return n.isEmpty() ? "none" : String.join(", ", n);
    }
}
