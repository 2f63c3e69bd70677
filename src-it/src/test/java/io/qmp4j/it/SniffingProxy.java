package io.qmp4j.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that forwards every connection to a target port and searches the bytes
 * going to the target for a needle (e.g. a string in the guest's memory), to tell a plain
 * migration stream from an encrypted one. It can also stall (stop forwarding, as a cut link
 * does) and reset every connection, to play a network interruption.
 */
final class SniffingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final byte[] needle;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean stalled;

    SniffingProxy(int targetPort, String needle) throws IOException {
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.targetPort = targetPort;
        this.needle = needle.getBytes(StandardCharsets.US_ASCII);
        this.acceptor = new Thread(this::accept, "sniffing-proxy");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** @return bytes forwarded towards the target */
    long bytes() {
        return bytes.get();
    }

    /** @return how often the needle was seen towards the target */
    long hits() {
        return hits.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                synchronized (sockets) {
                    sockets.add(in);
                    sockets.add(out);
                }
                pump(in, out, true);
                pump(out, in, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Stops forwarding in both directions: the peers' buffers fill up and they block, as on a cut link. */
    void stall() {
        stalled = true;
    }

    /** Forwards again. */
    void resume() {
        stalled = false;
    }

    /** Resets every connection open now (RST), and goes on accepting new ones: a connection lost, not the host. */
    void dropConnections() {
        resetAll();
    }

    /** Resets every connection (RST) and refuses new ones. */
    void reset() throws IOException {
        server.close();
        resetAll();
    }

    private void resetAll() {
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.setSoLinger(true, 0);
                } catch (IOException e) {
                    // closed already
                }
                closeQuietly(s);
            }
            sockets.clear();
        }
    }

    private void awaitUnstalled() {
        while (stalled) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean scan) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536 + needle.length];
            int carry = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while (true) {
                    awaitUnstalled();
                    n = in.read(buf, carry, buf.length - carry);
                    if (n <= 0) {
                        break;
                    }
                    awaitUnstalled();
                    out.write(buf, carry, n);
                    if (scan) {
                        bytes.addAndGet(n);
                        int len = carry + n;
                        hits.addAndGet(count(buf, len));
                        carry = Math.min(needle.length - 1, len);
                        System.arraycopy(buf, len - carry, buf, 0, carry);
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "sniffing-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private int count(byte[] buf, int len) {
        int c = 0;
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            c++;
        }
        return c;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            sockets.forEach(SniffingProxy::closeQuietly);
        }
    }
}
