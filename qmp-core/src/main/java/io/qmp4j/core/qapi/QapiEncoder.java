package io.qmp4j.core.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a generated type's members into a JSON object, leaving out the absent ones. Used by the
 * generated code.
 *
 * @since 0.2
 */
public final class QapiEncoder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private final String type;
    private final ObjectNode json = NODES.objectNode();

    private QapiEncoder(String type) {
        this.type = type;
    }

    /**
     * @param type the QAPI type's name, for the errors
     * @return an encoder of a new object
     */
    public static QapiEncoder of(String type) {
        return new QapiEncoder(type);
    }

    /**
     * @param name a member's QAPI name
     * @param value its value; {@code null} leaves it out
     * @return this
     */
    public QapiEncoder put(String name, Object value) {
        if (value != null) {
            json.set(name, encode(value, false));
        }
        return this;
    }

    /**
     * @param name a member of QAPI type {@code uint64} or {@code size} (or an array of them)
     * @param value its value, a {@code long} of the same bits; {@code null} leaves it out
     * @return this
     */
    public QapiEncoder putUnsigned(String name, Object value) {
        if (value != null) {
            json.set(name, encode(value, true));
        }
        return this;
    }

    /**
     * @param name a member that every QEMU version requires
     * @param value its value
     * @return this
     * @throws IllegalArgumentException when it is {@code null}
     */
    public QapiEncoder require(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(type + ": member '" + name + "' is required");
        }
        return put(name, value);
    }

    /**
     * @param name a member of QAPI type {@code uint64} or {@code size} that every QEMU version requires
     * @param value its value, a {@code long} of the same bits
     * @return this
     * @throws IllegalArgumentException when it is {@code null}
     */
    public QapiEncoder requireUnsigned(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(type + ": member '" + name + "' is required");
        }
        return putUnsigned(name, value);
    }

    /**
     * @param members members to add (a union's branch), or {@code null}
     * @return this
     */
    public QapiEncoder putAll(ObjectNode members) {
        if (members != null) {
            json.setAll(members);
        }
        return this;
    }

    /**
     * @param extra members the type does not know
     * @return this
     */
    public QapiEncoder extra(Map<String, JsonNode> extra) {
        extra.forEach(json::set);
        return this;
    }

    /**
     * @param extra members a generated type does not know, or {@code null}
     * @return an unmodifiable copy in the same order ({@code null}: none)
     */
    public static Map<String, JsonNode> copy(Map<String, JsonNode> extra) {
        return extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** @return the object */
    public ObjectNode done() {
        return json;
    }

    /**
     * @param value a generated type's value, a string, a number, a boolean, a JSON node or a list of them
     * @param unsigned whether {@code long}s are unsigned
     * @return it as JSON
     */
    public static JsonNode encode(Object value, boolean unsigned) {
        if (value instanceof QapiObject o) {
            return o.toJson();
        } else if (value instanceof QapiEnum e) {
            return NODES.textNode(e.value());
        } else if (value instanceof QapiAlternate a) {
            return a.toJson();
        } else if (value instanceof String s) {
            return NODES.textNode(s);
        } else if (value instanceof Long l) {
            return unsigned && l < 0 ? NODES.numberNode(BigInteger.valueOf(l).add(TWO_64)) : NODES.numberNode(l);
        } else if (value instanceof Double d) {
            return NODES.numberNode(d);
        } else if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (value instanceof JsonNode n) {
            return n;
        } else if (value instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode(list.size());
            list.forEach(e -> a.add(encode(e, unsigned)));
            return a;
        }
        throw new IllegalArgumentException("not a QAPI value: " + value.getClass().getName());
    }
}
