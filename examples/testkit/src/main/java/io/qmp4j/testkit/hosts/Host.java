package io.qmp4j.testkit.hosts;

import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpTls;
import io.qmp4j.testkit.qemu.QemuProcess;
import java.nio.file.Path;
import java.util.List;

/**
 * One host of a {@link Hosts} topology: a network namespace with an address on the migration
 * link and one on its management link, and a private disk directory mounted, for each QEMU started
 * on it, at the path that every host shares ({@link #diskPath()}): the same path on two
 * hosts is two files.
 *
 * @param name the host's name ({@code a}, {@code b}…)
 * @param netns its network namespace
 * @param migrationAddress its address on the migration link, e.g. {@code 10.173.1.1}
 * @param managementAddress its address on its management link, which the controller (the root namespace) reaches
 * @param controllerAddress the controller's address on that link
 * @param privateDisks where this host's disk directory really is, as the controller sees it
 * @param diskPath the path at which the host's QEMUs see their disk directory
 * @param tlsDir the host's x509 credentials in QEMU's layout: a server certificate for its
 *               management and migration addresses, a client certificate, the topology's CA
 * @param workDir the host's directory for sockets and logs (seen from the controller too)
 * @since 0.2
 */
public record Host(String name, String netns, String migrationAddress, String managementAddress, String controllerAddress,
                   Path privateDisks, Path diskPath, Path tlsDir, Path workDir) {

    /** The id of the TLS credentials object that serves the management monitor. */
    public static final String MONITOR_TLS_ID = "monitor-tls";

    /**
     * Makes a QEMU builder start on this host: in its network namespace, in a mount namespace of
     * its own where the host's private disk directory is at {@link #diskPath()}, with a TLS QMP
     * monitor on the management address (the client certificate verified) besides the UNIX one.
     *
     * @param b the builder (its work directory is set to the host's)
     * @param monitorPort the TCP port of the TLS monitor
     * @return {@code b}
     */
    public QemuProcess.Builder onHost(QemuProcess.Builder b, int monitorPort) {
        String script = "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"";
        return b.workDir(workDir).launcher(List.of("ip", "netns", "exec", netns, "unshare", "--mount", "--propagation", "private",
                        "sh", "-c", script, "sh", privateDisks.toString(), diskPath.toString()))
                .args("-object", "tls-creds-x509,id=" + MONITOR_TLS_ID + ",dir=" + tlsDir + ",endpoint=server,verify-peer=on",
                        "-chardev", "socket,id=qmp4j-mgmt,host=" + managementAddress + ",port=" + monitorPort
                                + ",server=on,wait=off,tls-creds=" + MONITOR_TLS_ID,
                        "-mon", "chardev=qmp4j-mgmt,mode=control");
    }

    /**
     * @param monitorPort the port given to {@link #onHost}
     * @return the TLS monitor as a remote controller reaches it: over the management link, the
     *         server's certificate checked against the topology's CA, the client's presented
     */
    public QmpEndpoint monitor(int monitorPort) {
        return QmpEndpoint.tls(managementAddress, monitorPort, QmpTls.fromDirectory(tlsDir));
    }

    /**
     * @param fileName a file in the host's disk directory
     * @return its path as the host's QEMUs see it (the same on every host)
     */
    public Path disk(String fileName) {
        return diskPath.resolve(fileName);
    }

    /**
     * @param fileName a file in the host's disk directory
     * @return where it really is, for the controller ({@code qemu-img}, {@code qemu-img compare})
     */
    public Path privateDisk(String fileName) {
        return privateDisks.resolve(fileName);
    }
}
