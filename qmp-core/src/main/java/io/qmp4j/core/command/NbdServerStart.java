package io.qmp4j.core.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code nbd-server-start}: starts QEMU's NBD server (one per QEMU).
 *
 * @param addr where to listen
 * @param tlsCreds id of a {@code tls-creds-x509} object (endpoint server) to require TLS, or {@code null}
 * @param tlsAuthz id of an authz object checking client certificates, or {@code null}
 * @param maxConnections the most clients at once (0: unlimited), or {@code null}
 * @since 0.1
 */
public record NbdServerStart(SocketAddress addr, String tlsCreds, String tlsAuthz, Long maxConnections)
        implements QmpCommand<Void> {

    /** @param addr must not be {@code null} */
    public NbdServerStart {
        Objects.requireNonNull(addr, "addr");
    }

    /** @param addr where to listen, without TLS */
    public NbdServerStart(SocketAddress addr) {
        this(addr, null, null, null);
    }

    @Override
    public Object arguments() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("addr", addr.toLegacy());
        if (tlsCreds != null) {
            n.put("tls-creds", tlsCreds);
        }
        if (tlsAuthz != null) {
            n.put("tls-authz", tlsAuthz);
        }
        if (maxConnections != null) {
            n.put("max-connections", maxConnections);
        }
        return n;
    }

    @Override
    public String commandName() {
        return "nbd-server-start";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
