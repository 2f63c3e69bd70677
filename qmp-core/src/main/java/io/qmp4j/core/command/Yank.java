package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

/**
 * {@code yank}: breaks the network connections of the given instances at once (a {@code
 * shutdown(2)} of their sockets), so that whatever waits on a hung peer fails instead of waiting
 * for ever: an NBD client node's in-flight requests, a chardev, the migration stream. QEMU 6.0
 * and later.
 *
 * @param instances what to yank
 * @since 0.1
 */
public record Yank(List<Instance> instances) implements QmpCommand<Void> {

    /** Checks and copies the list. */
    public Yank {
        instances = List.copyOf(Objects.requireNonNull(instances, "instances"));
    }

    /**
     * @param instances what to yank
     * @return the command
     */
    public static Yank of(Instance... instances) {
        return new Yank(List.of(instances));
    }

    /**
     * One yank instance ({@code YankInstance}): {@code block-node} with {@code node-name},
     * {@code chardev} with {@code id}, or {@code migration}.
     *
     * @param type {@code block-node}, {@code chardev} or {@code migration}
     * @param nodeName the node, for {@code block-node}
     * @param id the chardev, for {@code chardev}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Instance(String type, @JsonProperty("node-name") String nodeName, String id) {
        /** Checks the type. */
        public Instance {
            Objects.requireNonNull(type, "type");
        }

        /**
         * @param nodeName an NBD client node
         * @return the instance
         */
        public static Instance blockNode(String nodeName) {
            return new Instance("block-node", Objects.requireNonNull(nodeName, "nodeName"), null);
        }

        /**
         * @param id a chardev
         * @return the instance
         */
        public static Instance chardev(String id) {
            return new Instance("chardev", null, Objects.requireNonNull(id, "id"));
        }

        /** @return the migration stream's instance */
        public static Instance migration() {
            return new Instance("migration", null, null);
        }
    }

    @Override
    public String commandName() {
        return "yank";
    }

    @Override
    public Type resultType() {
        return Void.class;
    }
}
