package io.qmp4j.core.command;

import io.qmp4j.core.qapi.BlockExportAdd;
import io.qmp4j.core.qapi.BlockExportOptions;
import io.qmp4j.core.qapi.BlockExportOptionsNbd;
import io.qmp4j.core.qapi.BlockExportType;
import io.qmp4j.core.qapi.BlockdevAdd;
import io.qmp4j.core.qapi.BlockdevDriver;
import io.qmp4j.core.qapi.BlockdevOptions;
import io.qmp4j.core.qapi.BlockdevOptionsFile;
import io.qmp4j.core.qapi.BlockdevOptionsNbd;
import io.qmp4j.core.qapi.BlockdevOptionsQcow2;
import io.qmp4j.core.qapi.BlockdevOptionsRaw;
import io.qmp4j.core.qapi.BlockdevRef;
import io.qmp4j.core.qapi.SocketAddress;
import java.util.Objects;

/**
 * {@code blockdev-add} for the nodes a storage migration stacks (a file, a qcow2 or raw format
 * on it, an NBD client) and {@code block-export-add} for the NBD export that serves one.
 *
 * @since 0.9
 */
public final class BlockNodes {

    private BlockNodes() {
    }

    /**
     * A {@code file} protocol node.
     *
     * @param nodeName the node's name
     * @param filename the image file
     * @return the command
     */
    public static BlockdevAdd file(String nodeName, String filename) {
        return node(BlockdevDriver.FILE, nodeName, BlockdevOptionsFile.builder().filename(filename).build());
    }

    /**
     * A {@code qcow2} format node on another node.
     *
     * @param nodeName the node's name
     * @param fileNodeName the node it reads and writes
     * @return the command
     */
    public static BlockdevAdd qcow2(String nodeName, String fileNodeName) {
        return node(BlockdevDriver.QCOW2, nodeName, BlockdevOptionsQcow2.builder().file(ref(fileNodeName)).build());
    }

    /**
     * A {@code raw} format node on another node.
     *
     * @param nodeName the node's name
     * @param fileNodeName the node it reads and writes
     * @return the command
     */
    public static BlockdevAdd raw(String nodeName, String fileNodeName) {
        return node(BlockdevDriver.RAW, nodeName, new BlockdevOptionsRaw(ref(fileNodeName), null, null));
    }

    /**
     * An NBD client node.
     *
     * @param nodeName the node's name
     * @param server where the NBD server listens
     * @param export the export's name
     * @param tlsCreds the id of the TLS client credentials, or {@code null} for plain NBD
     * @return the command
     */
    public static BlockdevAdd nbd(String nodeName, SocketAddress server, String export, String tlsCreds) {
        BlockdevOptionsNbd nbd = BlockdevOptionsNbd.builder().server(Objects.requireNonNull(server, "server"))
                .export(export).tlsCreds(tlsCreds).build();
        return node(BlockdevDriver.NBD, nodeName, nbd);
    }

    /**
     * An NBD export of a node on the running NBD server.
     *
     * @param id the export's id
     * @param nodeName the node to export
     * @param exportName the name NBD clients ask for
     * @param writable whether clients may write
     * @return the command
     */
    public static BlockExportAdd nbdExport(String id, String nodeName, String exportName, boolean writable) {
        BlockExportOptions options = BlockExportOptions.builder().type(BlockExportType.NBD)
                .id(Objects.requireNonNull(id, "id")).nodeName(Objects.requireNonNull(nodeName, "nodeName"))
                .writable(writable).branch(BlockExportOptionsNbd.builder().name(exportName).build()).build();
        return new BlockExportAdd(options);
    }

    private static BlockdevRef ref(String nodeName) {
        return BlockdevRef.reference(Objects.requireNonNull(nodeName, "fileNodeName"));
    }

    private static BlockdevAdd node(BlockdevDriver driver, String nodeName, BlockdevOptions.Branch branch) {
        return new BlockdevAdd(BlockdevOptions.builder().driver(driver)
                .nodeName(Objects.requireNonNull(nodeName, "nodeName")).branch(branch).build());
    }
}
