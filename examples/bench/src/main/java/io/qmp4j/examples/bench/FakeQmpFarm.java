package io.qmp4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Many fake QMP monitors in one process, on one selector thread, for {@link ScaleBenchmark}:
 * {@code COUNT} UNIX sockets {@code DIR/fake-N.qmp}, each serving one client at a time. Each
 * greets like QEMU 7.2, answers {@code qmp_capabilities} and {@code query-status}, and on
 * {@code x-flood} starts sending events as fast as its client reads them, until
 * {@code x-flood-stop}. Anything else gets QEMU's {@code CommandNotFound} error.
 *
 * <p>Prints {@code ready} when every socket listens; exits when its standard input closes, so
 * that it never outlives the benchmark that started it.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.bench.FakeQmpFarm DIR COUNT</pre>
 */
public final class FakeQmpFarm {

    private static final byte[] GREETING = ("{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},"
            + "\"package\":\"qmp4j-fake\"},\"capabilities\":[]}}\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final String STATUS = "{\"status\":\"running\",\"singlestep\":false,\"running\":true}";
    /** 64 KiB of whole events: what a flooding monitor writes again and again. */
    private static final byte[] FLOOD;

    static {
        byte[] one = ("{\"timestamp\":{\"seconds\":1764115200,\"microseconds\":123456},\"event\":\"MIGRATION_PASS\","
                + "\"data\":{\"pass\":1}}\r\n").getBytes(StandardCharsets.US_ASCII);
        int n = 65536 / one.length;
        FLOOD = new byte[n * one.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, FLOOD, i * one.length, one.length);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();

    private FakeQmpFarm() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FakeQmpFarm DIR COUNT");
            System.exit(2);
        }
        new FakeQmpFarm().serve(Path.of(args[0]), Integer.parseInt(args[1]));
    }

    /** One monitor's client connection. */
    private final class Conn {
        final SocketChannel ch;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        ByteBuffer in = ByteBuffer.allocate(512);
        ByteBuffer writing;
        boolean flooding;
        // JSON object scanner state over `in` (bytes [0, scanned) seen so far).
        int scanned;
        int depth;
        int start = -1;
        boolean inString;
        boolean escape;

        Conn(SocketChannel ch) {
            this.ch = ch;
            out.add(ByteBuffer.wrap(GREETING));
        }

        /** Reads what is there; false when the client has gone. */
        boolean read() throws IOException {
            if (!in.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            int n = ch.read(in);
            if (n < 0) {
                return false;
            }
            scan();
            return true;
        }

        private void scan() throws IOException {
            byte[] a = in.array();
            int end = in.position();
            for (int i = scanned; i < end; i++) {
                byte c = a[i];
                if (inString) {
                    if (escape) {
                        escape = false;
                    } else if (c == '\\') {
                        escape = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{') {
                    if (depth++ == 0) {
                        start = i;
                    }
                } else if (c == '}' && depth > 0 && --depth == 0) {
                    handle(mapper.readTree(a, start, i + 1 - start));
                }
            }
            // Keep only the unfinished object, if any.
            int keep = depth > 0 ? start : end;
            in.flip().position(keep);
            in.compact();
            scanned = in.position();
            if (depth > 0) {
                start = 0;
            }
        }

        private void handle(JsonNode cmd) {
            String name = cmd.path("execute").asText(cmd.path("exec-oob").asText());
            String id = cmd.has("id") ? ",\"id\":" + cmd.get("id") : "";
            String reply = switch (name) {
                case "qmp_capabilities", "x-flood-stop" -> "{\"return\":{}" + id + "}";
                case "query-status" -> "{\"return\":" + STATUS + id + "}";
                case "x-flood" -> "{\"return\":{}" + id + "}";
                default -> "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command " + name
                        + " has not been found\"}" + id + "}";
            };
            if (name.equals("x-flood")) {
                flooding = true;
            } else if (name.equals("x-flood-stop")) {
                flooding = false;
            }
            out.add(ByteBuffer.wrap((reply + "\r\n").getBytes(StandardCharsets.UTF_8)));
        }

        /** Writes until the socket is full or nothing is left; true when something is still to write. */
        boolean write() throws IOException {
            while (true) {
                if (writing == null || !writing.hasRemaining()) {
                    writing = out.poll();
                    if (writing == null && flooding) {
                        writing = ByteBuffer.wrap(FLOOD);
                    }
                    if (writing == null) {
                        return false;
                    }
                }
                ch.write(writing);
                if (writing.hasRemaining()) {
                    return true;
                }
            }
        }
    }

    private void serve(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        Selector selector = Selector.open();
        for (int i = 0; i < count; i++) {
            Path p = dir.resolve("fake-" + i + ".qmp");
            Files.deleteIfExists(p);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(p), 4);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        }
        Thread stdinWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; EOF means it has gone
                }
            } catch (IOException ignored) {
                // same as EOF
            }
            System.exit(0);
        }, "stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        System.out.println("ready");
        System.out.flush();
        while (true) {
            selector.select();
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                try {
                    if (key.isAcceptable()) {
                        SocketChannel ch = ((ServerSocketChannel) key.channel()).accept();
                        if (ch != null) {
                            ch.configureBlocking(false);
                            Conn c = new Conn(ch);
                            ch.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE, c);
                        }
                        continue;
                    }
                    Conn c = (Conn) key.attachment();
                    if (key.isReadable() && !c.read()) {
                        key.cancel();
                        c.ch.close();
                        continue;
                    }
                    boolean more = c.write();
                    key.interestOps(SelectionKey.OP_READ | (more ? SelectionKey.OP_WRITE : 0));
                } catch (IOException e) {
                    key.cancel();
                    key.channel().close();
                }
            }
        }
    }
}
