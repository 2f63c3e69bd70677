package io.qmp4j.core.command;

import io.qmp4j.core.qapi.InetSocketAddress;
import io.qmp4j.core.qapi.InetSocketAddressWrapper;
import io.qmp4j.core.qapi.SocketAddress;
import io.qmp4j.core.qapi.SocketAddressLegacy;
import io.qmp4j.core.qapi.SocketAddressType;
import io.qmp4j.core.qapi.UnixSocketAddress;
import io.qmp4j.core.qapi.UnixSocketAddressWrapper;
import java.util.Objects;

/**
 * QAPI socket addresses: the flat {@code SocketAddress} most commands take, and the
 * {@code SocketAddressLegacy} of {@code nbd-server-start}.
 *
 * @since 0.9
 */
public final class Sockets {

    private Sockets() {
    }

    /**
     * @param host a host name or address
     * @param port the TCP port
     * @return a TCP address
     */
    public static SocketAddress inet(String host, int port) {
        return new SocketAddress(SocketAddressType.INET, InetSocketAddress.builder()
                .host(Objects.requireNonNull(host, "host")).port(Integer.toString(port)).build());
    }

    /**
     * @param path the socket's path
     * @return a UNIX socket address
     */
    public static SocketAddress unix(String path) {
        return new SocketAddress(SocketAddressType.UNIX, new UnixSocketAddress(Objects.requireNonNull(path, "path"), null, null));
    }

    /**
     * @param address a TCP or UNIX address
     * @return the same address in the legacy form ({@code {"type":…,"data":{…}}})
     * @throws IllegalArgumentException for another type of address
     */
    public static SocketAddressLegacy legacy(SocketAddress address) {
        if (address.branch() instanceof InetSocketAddress inet) {
            return new SocketAddressLegacy(SocketAddressType.INET, new InetSocketAddressWrapper(inet));
        }
        if (address.branch() instanceof UnixSocketAddress unix) {
            return new SocketAddressLegacy(SocketAddressType.UNIX, new UnixSocketAddressWrapper(unix));
        }
        throw new IllegalArgumentException("only inet and unix addresses have a legacy form here, not " + address.type());
    }
}
