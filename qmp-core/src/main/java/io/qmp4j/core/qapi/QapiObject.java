package io.qmp4j.core.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A generated QAPI object type (struct, union, a command's arguments, an event's data): decoded
 * leniently, encoded without its absent members.
 *
 * @since 0.2
 */
public interface QapiObject {

    /**
     * @return the members QEMU sent that this type does not know (a newer QEMU's, or one whose
     *         value did not fit the member's type), kept as sent and written back by {@link #toJson()};
     *         or members to send that this type does not know
     */
    Map<String, JsonNode> extra();

    /**
     * @return the object as QEMU reads it: absent members left out
     * @throws IllegalArgumentException for a command's arguments: when a member that every QEMU version requires is absent
     */
    ObjectNode toJson();
}
