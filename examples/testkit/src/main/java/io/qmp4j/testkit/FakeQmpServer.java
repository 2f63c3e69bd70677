package io.qmp4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.testkit.qemu.SocketDir;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A scriptable, in-process QMP server on a temporary UNIX socket, for tests of QMP clients.
 *
 * <p>By default it behaves like an idle QEMU 7.2: it greets (offering {@code oob}), accepts
 * {@code qmp_capabilities}, answers {@code query-qmp-schema} with QEMU 7.2's real schema and
 * {@code query-target} with x86_64, and every other command with {@code {"return": {}}}, in
 * order. Tests change that per command with {@link #on(String, Responder)}, push events and raw
 * bytes with {@link Connection}, stall the reader, drop the connection, and read back every
 * command (with the file descriptors that came with it) from {@link #takeCommand(Duration)}.
 * Like QEMU, it serves one client at a time: a second client is accepted but greeted only when
 * the first has left.
 *
 * <pre>{@code
 * try (FakeQmpServer server = FakeQmpServer.start()) {
 *     server.on("stop", (cmd, conn) -> { conn.event("STOP", "{}"); conn.reply(cmd, "{}"); });
 *     ... connect a client to server.endpoint() ...
 *     ReceivedCommand c = server.takeCommand(Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public final class FakeQmpServer implements AutoCloseable {

    /** The greeting of Debian's QEMU 7.2, as measured. */
    public static final String QEMU_7_2_GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
            + " \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, \"capabilities\": [\"oob\"]}}";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Answers one command. Runs on the server's reader thread, in command order. */
    @FunctionalInterface
    public interface Responder {
        /**
         * @param command what the client sent
         * @param conn the connection, to reply, send events or raw bytes, or drop
         */
        void respond(ReceivedCommand command, Connection conn) throws IOException;
    }

    /**
     * A command as received.
     *
     * @param json the whole object
     * @param name the {@code execute} or {@code exec-oob} member
     * @param oob whether it was sent with {@code exec-oob}
     * @param id the id, or {@code null}
     * @param fds descriptors received with it (SCM_RIGHTS)
     */
    public record ReceivedCommand(JsonNode json, String name, boolean oob, JsonNode id, List<FileDescriptor> fds) {
        /** @return the {@code arguments} member, or an empty object */
        public JsonNode arguments() {
            JsonNode a = json.get("arguments");
            return a == null ? MAPPER.createObjectNode() : a;
        }
    }

    private final Path dir;
    private final SocketDir sockets;
    private final Path socketPath;
    private final AFUNIXServerSocket server;
    private final Map<String, Responder> responders = new ConcurrentHashMap<>();
    private final BlockingQueue<ReceivedCommand> received = new LinkedBlockingQueue<>();
    private final List<ReceivedCommand> all = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
    private final List<Connection> open = new CopyOnWriteArrayList<>();
    private final Semaphore oneClient = new Semaphore(1);
    private final Thread acceptor;
    private volatile String greeting = QEMU_7_2_GREETING;
    private volatile List<String> preGreeting = List.of();
    private volatile boolean greet = true;
    private volatile boolean closed;

    private FakeQmpServer(Path dir) throws IOException {
        this.dir = dir;
        this.sockets = SocketDir.in(dir);
        this.socketPath = sockets.resolve("qmp.sock");
        this.server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(socketPath));
        this.acceptor = new Thread(this::acceptLoop, "fake-qmp-accept");
        this.acceptor.setDaemon(true);
        responders.put("qmp_capabilities", (cmd, conn) -> conn.reply(cmd, "{}"));
        responders.put("query-target", (cmd, conn) -> conn.reply(cmd, "{\"arch\": \"x86_64\"}"));
        String schema = qemu72Schema();
        if (schema != null) {
            responders.put("query-qmp-schema", (cmd, conn) -> conn.reply(cmd, schema));
        }
        this.acceptor.start();
    }

    /**
     * @return the schema of QEMU 7.2 (x86_64) as recorded from a real QEMU, or {@code null} when
     *         the resource is missing
     */
    public static String qemu72Schema() {
        try (InputStream in = FakeQmpServer.class.getResourceAsStream("qemu-7.2-x86_64-schema.json")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a running server on a socket in a new temporary directory */
    public static FakeQmpServer start() {
        try {
            return new FakeQmpServer(Files.createTempDirectory("fake-qmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the endpoint clients connect to */
    public QmpEndpoint endpoint() {
        return QmpEndpoint.unix(socketPath);
    }

    /** @return the socket's path */
    public Path socketPath() {
        return socketPath;
    }

    /**
     * @param rawJson the greeting to send to the next clients, verbatim
     * @return this server
     */
    public FakeQmpServer greeting(String rawJson) {
        this.greeting = rawJson;
        return this;
    }

    /**
     * @param rawLines text sent before the greeting (events, as some QEMU versions do)
     * @return this server
     */
    public FakeQmpServer beforeGreeting(String... rawLines) {
        this.preGreeting = List.of(rawLines);
        return this;
    }

    /** @return this server, which from now on never greets (a busy or wedged monitor) */
    public FakeQmpServer noGreeting() {
        this.greet = false;
        return this;
    }

    /**
     * @param command a command name
     * @param responder how to answer it from now on
     * @return this server
     */
    public FakeQmpServer on(String command, Responder responder) {
        responders.put(command, responder);
        return this;
    }

    /**
     * @param timeout how long to wait
     * @return the next client connection (accepted and greeted)
     */
    public Connection awaitConnection(Duration timeout) throws InterruptedException {
        Connection c = connections.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (c == null) {
            throw new AssertionError("no client connected within " + timeout);
        }
        return c;
    }

    /**
     * @param timeout how long to wait
     * @return the next command received, in order
     */
    public ReceivedCommand takeCommand(Duration timeout) throws InterruptedException {
        ReceivedCommand c = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (c == null) {
            throw new AssertionError("no command received within " + timeout);
        }
        return c;
    }

    /** @return every command received so far, in order */
    public List<ReceivedCommand> receivedCommands() {
        return List.copyOf(all);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                AFUNIXSocket s = server.accept();
                Thread t = new Thread(() -> serve(s), "fake-qmp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    e.printStackTrace();
                }
                return;
            }
        }
    }

    private void serve(AFUNIXSocket socket) {
        Connection conn = null;
        boolean acquired = false;
        try (socket) {
            // Like QEMU: a second client waits, ungreeted, until the first has gone.
            while (!closed && !(acquired = oneClient.tryAcquire(50, TimeUnit.MILLISECONDS))) {
                // waiting for the first client to leave
            }
            if (closed) {
                return;
            }
            socket.setAncillaryReceiveBufferSize(1024);
            conn = new Connection(socket);
            open.add(conn);
            for (String s : preGreeting) {
                conn.send(s);
            }
            if (!greet) {
                connections.add(conn);
                conn.stalledForever();
                return;
            }
            conn.send(greeting);
            connections.add(conn);
            conn.readLoop();
        } catch (IOException | InterruptedException e) {
            // client went away
            if (System.getProperty("fakeqmp.debug") != null) {
                e.printStackTrace();
            }
        } finally {
            if (conn != null) {
                open.remove(conn);
                conn.closedLatch.countDown();
            }
            if (acquired) {
                oneClient.release();
            }
        }
    }

    /** Stops the server and closes every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection c : open) {
            c.drop();
        }
        try {
            acceptor.join(2000);
            Files.deleteIfExists(socketPath);
            sockets.close();
            Files.deleteIfExists(dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** One client connection, as the server sees it. Thread-safe. */
    public final class Connection {
        private final AFUNIXSocket socket;
        private final OutputStream out;
        private final CountDownLatch closedLatch = new CountDownLatch(1);
        private final Object stallLock = new Object();
        private boolean stalled; // guarded by stallLock
        private final List<FileDescriptor> pendingFds = new ArrayList<>();

        Connection(AFUNIXSocket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        private void readLoop() throws IOException, InterruptedException {
            InputStream in = socket.getInputStream();
            try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(in)) {
                while (true) {
                    JsonNode node;
                    try {
                        if (!it.hasNextValue()) {
                            return;
                        }
                        node = it.nextValue();
                    } catch (IOException | RuntimeException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                        // Like QEMU: an error without an id for input it cannot parse.
                        send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}");
                        return;
                    }
                    // A stalled server holds what it read, like a stopped QEMU.
                    awaitUnstalled();
                    FileDescriptor[] fds = socket.getReceivedFileDescriptors();
                    if (fds != null) {
                        pendingFds.addAll(Arrays.asList(fds));
                    }
                    boolean oob = node.has("exec-oob");
                    String name = oob ? node.get("exec-oob").asText() : node.path("execute").asText(null);
                    List<FileDescriptor> mine = List.of();
                    if (("getfd".equals(name) || "add-fd".equals(name)) && !pendingFds.isEmpty()) {
                        mine = List.copyOf(pendingFds);
                        pendingFds.clear();
                    }
                    ReceivedCommand cmd = new ReceivedCommand(node, name, oob, node.get("id"), mine);
                    all.add(cmd);
                    received.add(cmd);
                    Responder r = name == null ? null : responders.get(name);
                    if (r != null) {
                        r.respond(cmd, this);
                    } else {
                        reply(cmd, "{}");
                    }
                }
            }
        }

        private void awaitUnstalled() throws InterruptedException {
            synchronized (stallLock) {
                while (stalled) {
                    stallLock.wait();
                }
            }
        }

        private void stalledForever() throws InterruptedException {
            closedLatch.await();
        }

        /**
         * Sends raw text, verbatim, followed by CRLF.
         *
         * @param raw the text; may be malformed on purpose
         */
        public void send(String raw) throws IOException {
            sendBytes((raw + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Sends raw bytes, verbatim.
         *
         * @param bytes the bytes
         */
        public synchronized void sendBytes(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /**
         * Replies with a return value.
         *
         * @param cmd the command answered (its id is echoed)
         * @param returnJson the {@code return} member, as JSON text
         */
        public void reply(ReceivedCommand cmd, String returnJson) throws IOException {
            send("{\"return\": " + returnJson + idPart(cmd) + "}");
        }

        /**
         * Replies with an error.
         *
         * @param cmd the command answered
         * @param errorClass the error class
         * @param desc the description
         */
        public void error(ReceivedCommand cmd, String errorClass, String desc) throws IOException {
            send("{\"error\": {\"class\": " + MAPPER.valueToTree(errorClass) + ", \"desc\": "
                    + MAPPER.valueToTree(desc) + "}" + idPart(cmd) + "}");
        }

        /**
         * Sends an event with the current time.
         *
         * @param name the event name
         * @param dataJson the data member as JSON text, or {@code null} for none
         */
        public void event(String name, String dataJson) throws IOException {
            long now = System.currentTimeMillis();
            send("{\"timestamp\": {\"seconds\": " + now / 1000 + ", \"microseconds\": " + (now % 1000) * 1000
                    + "}, \"event\": " + MAPPER.valueToTree(name) + (dataJson == null ? "" : ", \"data\": " + dataJson) + "}");
        }

        /** Stops handling commands (they queue, unanswered) until {@link #resume()}. */
        public void stall() {
            synchronized (stallLock) {
                stalled = true;
            }
        }

        /** Reads commands again after {@link #stall()}. */
        public void resume() {
            synchronized (stallLock) {
                stalled = false;
                stallLock.notifyAll();
            }
        }

        /** Closes the connection abruptly. */
        public void drop() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed anyway
            }
            resume();
            closedLatch.countDown();
        }

        /**
         * @param timeout how long to wait
         * @return whether the client closed the connection (or it was dropped) within the time
         */
        public boolean awaitClosed(Duration timeout) throws InterruptedException {
            return closedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        private String idPart(ReceivedCommand cmd) {
            return cmd.id() == null ? "" : ", \"id\": " + cmd.id();
        }
    }

}
