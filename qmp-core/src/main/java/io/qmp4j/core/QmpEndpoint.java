package io.qmp4j.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a QMP monitor listens: a UNIX socket ({@code -qmp unix:PATH,server=on,wait=off}) or a
 * TCP port ({@code -qmp tcp:HOST:PORT,server=on,wait=off}), plain or with TLS
 * ({@code -chardev socket,host=H,port=P,server=on,wait=off,tls-creds=ID}). Only UNIX sockets can
 * pass file descriptors.
 *
 * @since 0.1
 */
public sealed interface QmpEndpoint permits QmpEndpoint.Unix, QmpEndpoint.Tcp, QmpEndpoint.Tls {

    /**
     * @param path the socket's path; must not be {@code null}
     * @return a UNIX-socket endpoint
     */
    static QmpEndpoint unix(Path path) {
        return new Unix(path);
    }

    /**
     * @param host a host name or address literal; must not be {@code null}
     * @param port a port, 1 to 65535
     * @return a TCP endpoint
     */
    static QmpEndpoint tcp(String host, int port) {
        return new Tcp(host, port);
    }

    /**
     * @param host a host name or address literal; must not be {@code null}
     * @param port a port, 1 to 65535
     * @param tls the CA and client certificate; must not be {@code null}
     * @return a TCP endpoint with TLS
     */
    static QmpEndpoint tls(String host, int port, QmpTls tls) {
        return new Tls(host, port, tls);
    }

    /**
     * Parses the notation QEMU's {@code -qmp} option uses: {@code unix:/path/to/qmp.sock} or
     * {@code tcp:HOST:PORT} (an IPv6 literal in brackets: {@code tcp:[::1]:4444}). Options after
     * a comma ({@code ,server=on}) are ignored, so a QEMU argument can be pasted as it is.
     *
     * @param text the endpoint; must not be {@code null}
     * @return the endpoint
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    static QmpEndpoint parse(String text) {
        Objects.requireNonNull(text, "text");
        String spec = text.strip();
        int comma = spec.indexOf(',');
        if (comma >= 0) {
            spec = spec.substring(0, comma);
        }
        if (spec.startsWith("unix:")) {
            String path = spec.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("endpoint '" + text + "': the UNIX socket path is empty");
            }
            return new Unix(Path.of(path));
        }
        if (spec.startsWith("tcp:")) {
            String rest = spec.substring("tcp:".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || colon == rest.length() - 1) {
                throw new IllegalArgumentException("endpoint '" + text + "': expected tcp:HOST:PORT");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("endpoint '" + text + "': port '" + rest.substring(colon + 1)
                        + "' is not a number", e);
            }
            return new Tcp(host, port);
        }
        throw new IllegalArgumentException("endpoint '" + text + "': expected unix:PATH or tcp:HOST:PORT");
    }

    /**
     * A QMP monitor on a UNIX socket.
     *
     * @param path the socket's path
     */
    record Unix(Path path) implements QmpEndpoint {
        /**
         * The longest socket path Linux accepts, in bytes: {@code sun_path} holds 108 with the
         * terminating NUL. QEMU refuses a longer one too ("Path must be less than 108 bytes").
         */
        public static final int MAX_PATH_BYTES = 107;

        /**
         * @param path the socket's path; must not be {@code null}
         * @throws IllegalArgumentException when the path is longer than {@link #MAX_PATH_BYTES}
         */
        public Unix {
            Objects.requireNonNull(path, "path");
            int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_PATH_BYTES) {
                throw new IllegalArgumentException("UNIX socket path '" + path + "' is " + bytes + " bytes; Linux allows at most "
                        + MAX_PATH_BYTES + ": use a shorter directory (or a short symbolic link to it)");
            }
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /**
     * A QMP monitor on a TCP port.
     *
     * @param host the host name or address literal
     * @param port the port
     */
    record Tcp(String host, int port) implements QmpEndpoint {
        /**
         * @param host the host; must not be {@code null} or empty
         * @param port 1 to 65535
         */
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not in 1..65535");
            }
        }

        @Override
        public String toString() {
            return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * A QMP monitor on a TCP port with TLS.
     *
     * @param host the host name or address literal
     * @param port the port
     * @param tls the CA and client certificate
     */
    record Tls(String host, int port, QmpTls tls) implements QmpEndpoint {
        /**
         * @param host the host; must not be {@code null} or empty
         * @param port 1 to 65535
         * @param tls must not be {@code null}
         */
        public Tls {
            new Tcp(host, port); // the same checks
            Objects.requireNonNull(tls, "tls");
        }

        @Override
        public String toString() {
            return "tls:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
