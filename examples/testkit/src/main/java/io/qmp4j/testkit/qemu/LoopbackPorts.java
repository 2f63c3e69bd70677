package io.qmp4j.testkit.qemu;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free ports on the loopback address, for migration streams and NBD servers of local QEMUs. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /**
     * @return a free port whose successor is free too (a migration's port and its NBD server's)
     * @throws IOException when no such pair is found
     */
    public static int freePair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                p = s.getLocalPort();
            }
            if (p == 65535) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p + 1));
                return p;
            } catch (IOException busy) {
                // another pair
            }
        }
        throw new IOException("no two free loopback ports in a row");
    }
}
