package io.qmp4j.core.command;

import io.qmp4j.core.qapi.Yank;
import io.qmp4j.core.qapi.YankInstance;
import io.qmp4j.core.qapi.YankInstanceBlockNode;
import io.qmp4j.core.qapi.YankInstanceChardev;
import io.qmp4j.core.qapi.YankInstanceType;
import java.util.List;
import java.util.Objects;

/**
 * {@code yank}: what to cut loose from a peer that stopped answering.
 *
 * @since 0.9
 */
public final class Yanks {

    private Yanks() {
    }

    /**
     * @param instances what to yank
     * @return the command
     */
    public static Yank of(YankInstance... instances) {
        return new Yank(List.of(instances));
    }

    /** @return the migration's connections */
    public static YankInstance migration() {
        return new YankInstance(YankInstanceType.MIGRATION, null);
    }

    /**
     * @param nodeName a block node (e.g. an NBD client)
     * @return that node's connections
     */
    public static YankInstance blockNode(String nodeName) {
        return new YankInstance(YankInstanceType.BLOCK_NODE, new YankInstanceBlockNode(Objects.requireNonNull(nodeName, "nodeName")));
    }

    /**
     * @param id a character device
     * @return that chardev's connection
     */
    public static YankInstance chardev(String id) {
        return new YankInstance(YankInstanceType.CHARDEV, new YankInstanceChardev(Objects.requireNonNull(id, "id")));
    }
}
