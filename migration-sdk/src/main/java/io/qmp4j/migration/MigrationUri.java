package io.qmp4j.migration;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the migration stream goes: the destination listens there ({@code migrate-incoming}), the
 * source connects there ({@code migrate}).
 *
 * @param uri the URI in QEMU's notation: {@code tcp:HOST:PORT} or {@code unix:PATH}
 * @since 0.1
 */
public record MigrationUri(String uri) {

    /** @param uri must start with {@code tcp:} or {@code unix:} */
    public MigrationUri {
        Objects.requireNonNull(uri, "uri");
        if (!uri.startsWith("tcp:") && !uri.startsWith("unix:")) {
            throw new IllegalArgumentException("migration URI '" + uri + "' must be tcp:HOST:PORT or unix:PATH");
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

    @Override
    public String toString() {
        return uri;
    }
}
