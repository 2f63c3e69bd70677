package io.qmp4j.cli;

import io.qmp4j.core.qapi.BlockInfo;
import io.qmp4j.migration.Disk;
import io.qmp4j.core.qapi.QueryBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** virsh {@code domblklist}. */
@Command(name = "domblklist", description = "List the VM's disks.")
final class DomBlkListCommand implements Callable<Integer> {

    private static final Set<String> NETWORK_FS = Set.of("nfs", "nfs4", "cifs", "smb3", "ceph", "glusterfs", "fuse.glusterfs",
            "fuse.sshfs", "ocfs2", "gfs2", "lustre", "9p", "virtiofs");

    @Mixin
    Common.Monitor monitor;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--details", description = "format, size, read-only and storage kind too")
    boolean details;

    @Override
    public Integer call() throws Exception {
        try (Common.Session s = new Common.Session(monitor)) {
            List<BlockInfo> disks = Common.get(s.client.execute(new QueryBlock()));
            var out = spec.commandLine().getOut();
            if (details) {
                out.printf("%-30s %-10s %-8s %12s %-3s %-8s %s%n", "Target", "Node", "Format", "Size", "RO", "Storage", "Source");
            } else {
                out.printf("%-30s %s%n", "Target", "Source");
            }
            for (BlockInfo b : disks) {
                if (b.inserted() == null) {
                    out.printf("%-30s %s%n", b.qdev() != null && !b.qdev().isEmpty() ? b.qdev() : b.device(), "-");
                    continue;
                }
                Disk d = Disk.of(List.of(b)).get(0);
                if (details) {
                    out.printf("%-30s %-10s %-8s %12d %-3s %-8s %s%n", d.id(), d.nodeName(), d.format(), d.virtualSize(),
                            d.readOnly() ? "yes" : "no", storageKind(d.file()), d.file());
                } else {
                    out.printf("%-30s %s%n", d.id(), d.file());
                }
            }
            return 0;
        }
    }

    /** Shared when the image lies on a network file system (seen from this host), else local. */
    static String storageKind(String file) {
        try {
            String type = Files.getFileStore(Path.of(file)).type();
            return NETWORK_FS.contains(type) ? "shared" : "local";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
