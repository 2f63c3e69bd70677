package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code blockdev-add}: adds a block node. The options are QAPI's {@code BlockdevOptions}, a
 * union on {@code driver}; factories cover the common drivers, {@link #withOption} adds any
 * other member. A plain value: the options are kept as given (strings, numbers, booleans,
 * records such as {@link SocketAddress}, JSON nodes) and encoded when the command is sent.
 *
 * @param options the node's options, in order; must have {@code driver}, no {@code null} values
 * @since 0.1
 */
public record BlockdevAdd(Map<String, Object> options) implements QmpCommand<Void> {

    /** @param options must have {@code driver}; copied */
    public BlockdevAdd {
        Objects.requireNonNull(options, "options");
        if (!(options.get("driver") instanceof String)) {
            throw new IllegalArgumentException("blockdev-add options need a driver");
        }
        options.forEach((k, v) -> Objects.requireNonNull(v, () -> "blockdev-add option " + k + " is null"));
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * @param nodeName the node's name
     * @param filename the file
     * @return a {@code file} protocol node
     */
    public static BlockdevAdd file(String nodeName, String filename) {
        return node("file", nodeName).withOption("filename", filename);
    }

    /**
     * @param nodeName the node's name
     * @param fileNodeName the protocol node below it
     * @return a {@code qcow2} format node
     */
    public static BlockdevAdd qcow2(String nodeName, String fileNodeName) {
        return node("qcow2", nodeName).withOption("file", fileNodeName);
    }

    /**
     * @param nodeName the node's name
     * @param fileNodeName the protocol node below it
     * @return a {@code raw} format node
     */
    public static BlockdevAdd raw(String nodeName, String fileNodeName) {
        return node("raw", nodeName).withOption("file", fileNodeName);
    }

    /**
     * @param nodeName the node's name
     * @param server the NBD server
     * @param export the export name
     * @param tlsCreds id of a {@code tls-creds-x509} object (endpoint client), or {@code null}
     * @return an {@code nbd} client node
     */
    public static BlockdevAdd nbd(String nodeName, SocketAddress server, String export, String tlsCreds) {
        BlockdevAdd n = node("nbd", nodeName).withOption("server", server).withOption("export", export);
        return tlsCreds == null ? n : n.withOption("tls-creds", tlsCreds);
    }

    /**
     * @param name a member of the driver's options
     * @param value its value (a string, number, boolean, record or JSON node); not {@code null}
     * @return a copy with the member set
     */
    public BlockdevAdd withOption(String name, Object value) {
        Map<String, Object> n = new LinkedHashMap<>(options);
        n.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new BlockdevAdd(n);
    }

    private static BlockdevAdd node(String driver, String nodeName) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("driver", driver);
        n.put("node-name", Objects.requireNonNull(nodeName, "nodeName"));
        return new BlockdevAdd(n);
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
