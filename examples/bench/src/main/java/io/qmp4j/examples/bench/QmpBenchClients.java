package io.qmp4j.examples.bench;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpResources;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.StatusInfo;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** The clients {@link QmpBenchmark} compares: the plain-JDK baseline and qmp4j as applications use it. */
final class QmpBenchClients {

    static final byte[] COMMAND_PREFIX = "{\"execute\":\"query-status\",\"id\":".getBytes(StandardCharsets.US_ASCII);
    static final int WINDOW = 64;

    private QmpBenchClients() {
    }

    /** What a client must do for the benchmark. */
    interface Client {
        String name();

        void open() throws Exception;

        void close() throws Exception;

        /** One query-status, waited for. */
        void roundTrip() throws Exception;

        /** n commands, 64 at a time, each batch waited for. */
        void batches(int n) throws Exception;

        /** n commands, always 64 in flight. */
        void window(int n) throws Exception;
    }

    /** qmp4j as an application uses it: typed command, futures, shared I/O resources. */
    static final class Qmp4j implements Client {
        private final String name;
        private final Path socket;
        private final QmpResources resources;
        private final boolean fdPassing;
        private final boolean oobWanted;
        private final boolean repliesOnIoThread;
        private QmpClient client;
        boolean oob;

        Qmp4j(String name, Path socket, QmpResources resources, boolean fdPassing, boolean oobWanted, boolean repliesOnIoThread) {
            this.name = name;
            this.repliesOnIoThread = repliesOnIoThread;
            this.socket = socket;
            this.resources = resources;
            this.fdPassing = fdPassing;
            this.oobWanted = oobWanted;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void open() throws Exception {
            client = QmpClient.builder().endpoint(QmpEndpoint.unix(socket)).resources(resources)
                    .oob(oobWanted).fdPassing(fdPassing).repliesOnIoThread(repliesOnIoThread).build();
            client.connect().get(10, TimeUnit.SECONDS);
            oob = client.isOobEnabled();
        }

        @Override
        public void close() {
            client.close();
        }

        @Override
        public void roundTrip() throws Exception {
            client.execute(new QueryStatus()).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void batches(int n) throws Exception {
            QueryStatus q = new QueryStatus();
            List<CompletableFuture<StatusInfo>> batch = new ArrayList<>(WINDOW);
            for (int done = 0; done < n; done += WINDOW) {
                batch.clear();
                for (int i = 0; i < WINDOW; i++) {
                    batch.add(client.execute(q));
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
        }

        @Override
        public void window(int n) throws Exception {
            QueryStatus q = new QueryStatus();
            Semaphore slots = new Semaphore(WINDOW);
            AtomicReference<Throwable> error = new AtomicReference<>();
            for (int i = 0; i < n; i++) {
                slots.acquire();
                client.execute(q).whenComplete((r, e) -> {
                    if (e != null) {
                        error.set(e);
                    }
                    slots.release();
                });
            }
            slots.acquire(WINDOW);
            if (error.get() != null) {
                throw new IllegalStateException(error.get());
            }
        }
    }

    /**
     * The baseline: a blocking UNIX socket, the same bytes, replies found by their newline, nothing
     * parsed. It negotiates what qmp4j negotiates, in the same bytes: with out-of-band execution
     * enabled QEMU 7.2 takes ~0.25 ms longer to answer {@code qmp_capabilities} (measured with this
     * client both ways) and stops suspending the monitor after each command, which changes every
     * figure here.
     *
     * <p>Built {@code viaSelector}, it is a reference rather than the baseline: the same client
     * with its socket non-blocking, waiting in a selector of its own before each read, as any
     * client must whose socket stays on an event loop so that events are read while nobody
     * waits for a reply. What it adds to the baseline bounds what such a client can reach.
     */
    static final class Raw implements Client {
        private static final byte[] NEGOTIATE = "{\"execute\":\"qmp_capabilities\",\"id\":0}".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] NEGOTIATE_OOB = "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]},\"id\":0}"
                .getBytes(StandardCharsets.US_ASCII);
        private final Path socket;
        private final long firstId;
        private final boolean oobWanted;
        private final boolean viaSelector;
        private SocketChannel ch;
        private Selector selector;
        private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        private long id;
        boolean oob;

        Raw(Path socket, long firstId, boolean oobWanted, boolean viaSelector) {
            this.socket = socket;
            this.firstId = firstId;
            this.oobWanted = oobWanted;
            this.viaSelector = viaSelector;
        }

        @Override
        public String name() {
            return viaSelector ? "baseline, waiting in a selector" : "baseline";
        }

        @Override
        public void open() throws Exception {
            id = firstId; // as qmp4j, which counts from the first id in every session
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            if (viaSelector) {
                ch.configureBlocking(false);
                selector = Selector.open();
                ch.register(selector, SelectionKey.OP_READ);
            }
            in.clear().flip();
            readLines(1); // greeting
            oob = oobWanted && offersOob();
            write(ByteBuffer.wrap(oob ? NEGOTIATE_OOB : NEGOTIATE));
            readLines(1);
        }

        @Override
        public void close() throws IOException {
            ch.close();
            if (selector != null) {
                selector.close();
            }
        }

        private ByteBuffer command() {
            byte[] idText = Long.toString(id++).getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = ByteBuffer.allocate(COMMAND_PREFIX.length + idText.length + 1);
            b.put(COMMAND_PREFIX).put(idText).put((byte) '}').flip();
            return b;
        }

        private void write(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        /** @return whether the greeting just read (the buffer up to its position) offers {@code "oob"} */
        private boolean offersOob() {
            ByteBuffer g = in.duplicate().flip();
            byte[] b = new byte[g.remaining()];
            g.get(b);
            return new String(b, StandardCharsets.US_ASCII).contains("\"oob\"");
        }

        /** Reads until n newline-terminated lines have arrived. */
        private void readLines(int n) throws IOException {
            int seen = 0;
            while (seen < n) {
                while (in.hasRemaining() && seen < n) {
                    if (in.get() == '\n') {
                        seen++;
                    }
                }
                if (seen < n) {
                    in.clear();
                    int got = ch.read(in);
                    if (got < 0) {
                        throw new IOException("QEMU closed the connection");
                    }
                    if (got == 0) { // non-blocking (viaSelector): wait until there is something to read
                        selector.select();
                        selector.selectedKeys().clear();
                    }
                    in.flip();
                }
            }
        }

        @Override
        public void roundTrip() throws IOException {
            write(command());
            readLines(1);
        }

        @Override
        public void batches(int n) throws IOException {
            for (int done = 0; done < n; done += WINDOW) {
                ByteBuffer all = ByteBuffer.allocate(WINDOW * (COMMAND_PREFIX.length + 21));
                for (int i = 0; i < WINDOW; i++) {
                    all.put(command());
                }
                write(all.flip());
                readLines(WINDOW);
            }
        }

        @Override
        public void window(int n) throws IOException {
            int sent = 0;
            for (; sent < Math.min(WINDOW, n); sent++) {
                write(command());
            }
            for (int got = 0; got < n; got++) {
                readLines(1);
                if (sent < n) {
                    write(command());
                    sent++;
                }
            }
        }
    }
}
