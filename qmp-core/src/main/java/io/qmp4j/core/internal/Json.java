package io.qmp4j.core.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpCommand;

/** The one JSON mapper of the library: immutable configuration, thread-safe. */
public final class Json {

    /**
     * Reads leniently (unknown members ignored, unknown enum values mapped to their
     * {@code @JsonEnumDefaultValue}) and writes strictly (no {@code null} or empty optional
     * members, compact output).
     */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .build();

    /**
     * Serializes a command's arguments.
     *
     * @return the arguments object, or {@code null} when the command has none
     * @throws IllegalArgumentException when they cannot be serialized, or not to an object
     */
    public static ObjectNode arguments(QmpCommand<?> command) {
        Object args = command.arguments();
        if (args == null) {
            return null;
        }
        if (args instanceof ObjectNode on) {
            return on;
        }
        JsonNode n;
        try {
            n = MAPPER.valueToTree(args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot encode the arguments of '" + command.commandName() + "': " + e.getMessage(), e);
        }
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("arguments of '" + command.commandName() + "' must serialize to a JSON object, not "
                    + n.getNodeType());
        }
        return (ObjectNode) n;
    }

    private Json() {
    }
}
