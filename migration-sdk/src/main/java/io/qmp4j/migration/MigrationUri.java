package io.qmp4j.migration;

import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.command.Sockets;
import io.qmp4j.core.qapi.InetSocketAddress;
import io.qmp4j.core.qapi.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the migration stream goes: the destination listens there ({@code migrate-incoming}), the
 * source connects there ({@code migrate}).
 *
 * @param uri the URI in QEMU's notation: {@code tcp:HOST:PORT} or {@code unix:PATH}
 * @since 0.1
 */
public record MigrationUri(String uri) {

    /**
     * @param uri must start with {@code tcp:} or {@code unix:}
     * @throws IllegalArgumentException naming what is wrong, e.g. a socket path longer than
     *                                  {@link QmpEndpoint.Unix#MAX_PATH_BYTES}
     */
    public MigrationUri {
        Objects.requireNonNull(uri, "uri");
        if (uri.startsWith("exec:")) {
            throw new IllegalArgumentException("migration URI '" + uri + "': exec: makes QEMU run a shell command on its host,"
                    + " which qmp4j never asks it to do; use tcp:HOST:PORT or unix:PATH");
        }
        if (!uri.startsWith("tcp:") && !uri.startsWith("unix:")) {
            throw new IllegalArgumentException("migration URI '" + uri + "' must be tcp:HOST:PORT or unix:PATH");
        }
        if (uri.startsWith("unix:")) {
            QmpEndpoint.parse(uri); // the socket path's rules are the monitor's: one check for both
        }
    }

    /**
     * @param host the destination's address
     * @param port the port it listens on, 1 to 65535
     * @return a TCP migration address
     */
    public static MigrationUri tcp(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("migration port " + port + " is not in 1..65535");
        }
        return new MigrationUri("tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    /**
     * @param socket a UNIX socket path the destination creates
     * @return a UNIX-socket migration address (both QEMUs on one host)
     */
    public static MigrationUri unix(Path socket) {
        return new MigrationUri("unix:" + socket);
    }

    /**
     * @return the address as QAPI's {@code SocketAddress}, for an NBD server or client
     * @throws IllegalArgumentException when a TCP address has no numeric port
     */
    public SocketAddress socketAddress() {
        // The notation is QEMU's own, as for monitors: one parser for both.
        QmpEndpoint e = QmpEndpoint.parse(uri);
        if (e instanceof QmpEndpoint.Tcp t) {
            return Sockets.inet(t.host(), t.port());
        }
        return Sockets.unix(((QmpEndpoint.Unix) e).path().toString());
    }

    /**
     * @return the host of a TCP address; empty for a UNIX socket
     * @throws IllegalArgumentException when a TCP address has no numeric port
     */
    public Optional<String> host() {
        return socketAddress().branch() instanceof InetSocketAddress inet ? Optional.of(inet.host()) : Optional.empty();
    }

    /**
     * @return the port of a TCP address; empty for a UNIX socket
     * @throws IllegalArgumentException when a TCP address has no numeric port
     */
    public OptionalInt port() {
        return socketAddress().branch() instanceof InetSocketAddress inet ? OptionalInt.of(Integer.parseInt(inet.port())) : OptionalInt.empty();
    }

    /** @return whether both ends of this address are on one host (a UNIX socket or a loopback address) */
    public boolean isLocal() {
        if (uri.startsWith("unix:")) {
            return true;
        }
        String h = host().orElseThrow();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    @Override
    public String toString() {
        return uri;
    }
}
