package io.qmp4j.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.qmp4j.core.qapi.QapiObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.function.Function;
import io.qmp4j.core.internal.Json;

/**
 * Reads QMP's JSON the way qmp4j reads replies and events: leniently (members a type does not
 * know are ignored, enum values it does not know become the enum's default value), so that a
 * newer QEMU never breaks a decode. For decoding {@link QmpClient#executeRaw} results and event
 * data into types of your own.
 *
 * @since 0.2
 */
public final class QmpJson {

    /**
     * The generated types' own decoders ({@code fromJson}), found once per type: what Jackson
     * would call after introspecting the type, which costs a short-lived process (the CLI) several
     * milliseconds per type; {@code null} for any other type.
     */
    private static final ClassValue<Function<JsonNode, ?>> GENERATED = new ClassValue<>() {
        @Override
        protected Function<JsonNode, ?> computeValue(Class<?> type) {
            if (!QapiObject.class.isAssignableFrom(type) || !type.isRecord()) {
                return null;
            }
            try {
                Method m = type.getMethod("fromJson", JsonNode.class);
                if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != type) {
                    return null;
                }
                return json -> {
                    try {
                        return m.invoke(null, json);
                    } catch (InvocationTargetException e) {
                        throw e.getCause() instanceof RuntimeException r ? r : new IllegalArgumentException(e.getCause());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                };
            } catch (NoSuchMethodException e) {
                return null; // a record of the user's that implements QapiObject: through Jackson
            }
        }
    };

    private QmpJson() {
    }

    /**
     * @param node a JSON value, e.g. an event's data or a raw command's return
     * @param type a record or class it should fit
     * @param <T> the type
     * @return the value as {@code type}
     * @throws IllegalArgumentException when it does not fit, saying why
     */
    public static <T> T read(JsonNode node, Class<T> type) {
        Function<JsonNode, ?> generated = GENERATED.get(type);
        if (generated != null) {
            return node == null || node.isNull() ? null : type.cast(generated.apply(node));
        }
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a JSON value as a generic type, such as a command's {@link QmpCommand#resultType()}
     * ({@code List<CommandInfo>}).
     *
     * @param node the value
     * @param type what to read it as
     * @param <T> the type
     * @return the value as {@code type}
     * @throws IllegalArgumentException when it does not fit, saying why
     */
    @SuppressWarnings("unchecked")
    public static <T> T read(JsonNode node, Type type) {
        try {
            return (T) Json.MAPPER.treeToValue(node, Json.MAPPER.constructType(type));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }
}
