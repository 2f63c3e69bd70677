package io.qmp4j.core.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code blockdev-add}: adds a block node. The options are QAPI's {@code BlockdevOptions}, a
 * union on {@code driver}; factories cover the common drivers, {@link #withOption} adds any
 * other member.
 *
 * @param options the node's options
 * @since 0.1
 */
public record BlockdevAdd(ObjectNode options) implements QmpCommand<Void> {

    /** @param options must have {@code driver}; copied */
    public BlockdevAdd {
        Objects.requireNonNull(options, "options");
        if (!options.hasNonNull("driver")) {
            throw new IllegalArgumentException("blockdev-add options need a driver");
        }
        options = options.deepCopy();
    }

    /**
     * @param nodeName the node's name
     * @param filename the file
     * @return a {@code file} protocol node
     */
    public static BlockdevAdd file(String nodeName, String filename) {
        return new BlockdevAdd(node("file", nodeName).put("filename", filename));
    }

    /**
     * @param nodeName the node's name
     * @param fileNodeName the protocol node below it
     * @return a {@code qcow2} format node
     */
    public static BlockdevAdd qcow2(String nodeName, String fileNodeName) {
        return new BlockdevAdd(node("qcow2", nodeName).put("file", fileNodeName));
    }

    /**
     * @param nodeName the node's name
     * @param fileNodeName the protocol node below it
     * @return a {@code raw} format node
     */
    public static BlockdevAdd raw(String nodeName, String fileNodeName) {
        return new BlockdevAdd(node("raw", nodeName).put("file", fileNodeName));
    }

    /**
     * @param nodeName the node's name
     * @param server the NBD server
     * @param export the export name
     * @param tlsCreds id of a {@code tls-creds-x509} object (endpoint client), or {@code null}
     * @return an {@code nbd} client node
     */
    public static BlockdevAdd nbd(String nodeName, SocketAddress server, String export, String tlsCreds) {
        ObjectNode n = node("nbd", nodeName);
        n.set("server", io.qmp4j.core.internal.Json.MAPPER.valueToTree(server));
        n.put("export", export);
        if (tlsCreds != null) {
            n.put("tls-creds", tlsCreds);
        }
        return new BlockdevAdd(n);
    }

    /**
     * @param name a member of the driver's options
     * @param value its value (a string, number, boolean or JSON node)
     * @return a copy with the member set
     */
    public BlockdevAdd withOption(String name, Object value) {
        ObjectNode n = options.deepCopy();
        n.set(name, io.qmp4j.core.internal.Json.MAPPER.valueToTree(value));
        return new BlockdevAdd(n);
    }

    private static ObjectNode node(String driver, String nodeName) {
        return JsonNodeFactory.instance.objectNode().put("driver", driver).put("node-name", Objects.requireNonNull(nodeName, "nodeName"));
    }

    @Override
    public Object arguments() {
        return options;
    }

    @Override
    public String commandName() {
        return "blockdev-add";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
