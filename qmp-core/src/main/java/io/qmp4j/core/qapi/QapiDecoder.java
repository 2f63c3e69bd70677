package io.qmp4j.core.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one JSON object into a generated type, leniently: an absent member is {@code null}; a
 * member whose value does not fit its type, and a member the type does not know, is left for
 * {@link #extra()}, so nothing QEMU sent is lost and nothing fails the decode. Used by the
 * generated code; not thread-safe (one per decode).
 *
 * @since 0.2
 */
public final class QapiDecoder {

    private final ObjectNode json;
    private final Set<String> taken = new HashSet<>();

    private QapiDecoder(ObjectNode json) {
        this.json = json;
    }

    /**
     * @param json what QEMU sent
     * @param type the QAPI type's name, for the error
     * @return a decoder of it
     * @throws IllegalArgumentException when {@code json} is not an object
     */
    public static QapiDecoder of(JsonNode json, String type) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("QAPI type " + type + " is a JSON object, not "
                    + (json == null ? "nothing" : json.getNodeType().toString().toLowerCase()));
        }
        return new QapiDecoder((ObjectNode) json);
    }

    /**
     * @param name the member's QAPI name
     * @param decode how to read its value (one of this class's readers, or a generated {@code fromJson})
     * @param <T> its Java type
     * @return the value, or {@code null} when absent or when it does not fit (then it stays for {@link #extra()})
     */
    public <T> T get(String name, Function<JsonNode, T> decode) {
        JsonNode n = json.get(name);
        if (n == null) {
            return null;
        }
        try {
            T v = decode.apply(n);
            taken.add(name);
            return v;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return the members not read, in the order sent; unmodifiable */
    public Map<String, JsonNode> extra() {
        if (taken.size() == json.size()) {
            return Map.of();
        }
        Map<String, JsonNode> rest = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!taken.contains(e.getKey())) {
                rest.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(rest);
    }

    /** @return the members not read, as an object (a union's branch reads them); they count as read from now on */
    public ObjectNode rest() {
        ObjectNode rest = JsonNodeFactory.instance.objectNode();
        extra().forEach(rest::set);
        rest.fieldNames().forEachRemaining(taken::add);
        return rest;
    }

    /** @return {@code n} as a string @throws IllegalArgumentException when it is not one */
    public static String str(JsonNode n) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException("not a string");
        }
        return n.textValue();
    }

    /** @return {@code n} as a signed integer @throws IllegalArgumentException when it is not one, or too large */
    public static Long int64(JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException("not a 64-bit integer");
        }
        return n.longValue();
    }

    /**
     * @return {@code n}, an unsigned 64-bit integer, as a {@code long} of the same bits (values
     *         of 2<sup>63</sup> and more read negative: {@link Long#toUnsignedString} prints them)
     * @throws IllegalArgumentException when it is not one
     */
    public static Long uint64(JsonNode n) {
        if (!n.isIntegralNumber()) {
            throw new IllegalArgumentException("not an integer");
        }
        if (n.canConvertToLong()) {
            return n.longValue();
        }
        BigInteger b = n.bigIntegerValue();
        if (b.signum() < 0 || b.bitLength() > 64) {
            throw new IllegalArgumentException("not an unsigned 64-bit integer");
        }
        return b.longValue();
    }

    /** @return {@code n} as a number @throws IllegalArgumentException when it is not one */
    public static Double number(JsonNode n) {
        if (!n.isNumber()) {
            throw new IllegalArgumentException("not a number");
        }
        return n.doubleValue();
    }

    /** @return {@code n} as a boolean @throws IllegalArgumentException when it is not one */
    public static Boolean bool(JsonNode n) {
        if (!n.isBoolean()) {
            throw new IllegalArgumentException("not a boolean");
        }
        return n.booleanValue();
    }

    /** @return {@code n} itself (QAPI {@code any}) */
    public static JsonNode any(JsonNode n) {
        return n;
    }

    /**
     * @param element how to read one element
     * @param <T> the element type
     * @return a reader of a JSON array of them (unmodifiable); an element that does not fit fails the whole array
     */
    public static <T> Function<JsonNode, List<T>> list(Function<JsonNode, T> element) {
        return n -> {
            if (!n.isArray()) {
                throw new IllegalArgumentException("not an array");
            }
            List<T> out = new ArrayList<>(n.size());
            for (JsonNode e : n) {
                out.add(element.apply(e));
            }
            return Collections.unmodifiableList(out);
        };
    }

    /**
     * @param element the element type
     * @return {@code List<element>}, as a command's result type
     */
    public static Type listOf(Class<?> element) {
        return new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return new Type[] {element};
            }

            @Override
            public Type getRawType() {
                return List.class;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }

            @Override
            public String toString() {
                return "java.util.List<" + element.getName() + ">";
            }
        };
    }

    /**
     * @param of the enum class's {@code of}
     * @param <E> the enum class
     * @return a reader of a string into a value of it (any string: enums are open)
     */
    public static <E extends QapiEnum> Function<JsonNode, E> enumeration(Function<String, E> of) {
        return n -> of.apply(str(n));
    }
}
