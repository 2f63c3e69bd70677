package io.qmp4j.core.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A socket address for NBD: QAPI's {@code SocketAddress} (flat, as {@code blockdev-add}'s
 * {@code nbd} driver takes it) or, through {@link #toLegacy()}, {@code SocketAddressLegacy} (as
 * {@code nbd-server-start} takes it).
 *
 * @param type {@code inet} or {@code unix}
 * @param host the host, for {@code inet}
 * @param port the port, for {@code inet}
 * @param path the socket path, for {@code unix}
 * @since 0.1
 */
public record SocketAddress(String type, String host, String port, String path) {

    /**
     * @param host a host name or address
     * @param port a port
     * @return a TCP address
     */
    public static SocketAddress inet(String host, int port) {
        return new SocketAddress("inet", Objects.requireNonNull(host, "host"), Integer.toString(port), null);
    }

    /**
     * @param path a UNIX socket path
     * @return a UNIX socket address
     */
    public static SocketAddress unix(String path) {
        return new SocketAddress("unix", null, null, Objects.requireNonNull(path, "path"));
    }

    /** @return the legacy form {@code {"type": T, "data": {...}}} */
    public ObjectNode toLegacy() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type);
        ObjectNode data = n.putObject("data");
        if (host != null) {
            data.put("host", host);
        }
        if (port != null) {
            data.put("port", port);
        }
        if (path != null) {
            data.put("path", path);
        }
        return n;
    }
}
