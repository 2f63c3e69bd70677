package io.qmp4j.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.function.Function;

/**
 * A QMP command and the type of its result. Typed commands are records whose components are the
 * command's arguments, serialized with their QAPI names ({@code @JsonProperty("kebab-name")}
 * where the Java name differs); {@code null} components are left out of the wire. For anything
 * not covered, use {@link #raw(String, ObjectNode)} or {@link QmpClient#executeRaw}.
 *
 * <pre>{@code
 * record QueryStatus() implements QmpCommand<StatusInfo> {
 *     public String commandName() { return "query-status"; }
 *     public Type resultType() { return StatusInfo.class; }
 * }
 * }</pre>
 *
 * @param <R> the type of the command's result
 * @since 0.1
 */
public interface QmpCommand<R> {

    /** @return the command's QAPI name, e.g. {@code "query-status"} */
    @JsonIgnore
    String commandName();

    /**
     * @return the type the {@code return} member is read into; {@link JsonNode} reads it
     *         untouched, {@link Void} ignores it
     */
    @JsonIgnore
    Type resultType();

    /**
     * The command's arguments. By default the command itself: its components serialized by
     * Jackson.
     *
     * @return the arguments, serialized by Jackson; {@code null} for none
     */
    @JsonIgnore
    default Object arguments() {
        return this;
    }

    /**
     * Whether the command may be executed out of band ({@code exec-oob}). Only commands whose
     * QAPI schema says {@code allow-oob} may be; the client sends them out of band only when the
     * session negotiated the {@code oob} capability, else in band.
     *
     * @return {@code true} to send the command out of band when possible
     */
    /**
     * How to read this command's result without reflection; the generated commands of
     * {@code io.qmp4j.core.qapi} give one.
     *
     * @return a reader of the reply's {@code return} value, or {@code null}: read by {@link #resultType()} through Jackson
     */
    @JsonIgnore
    default Function<JsonNode, R> resultDecoder() {
        return null;
    }

    @JsonIgnore
    default boolean allowOob() {
        return false;
    }

    /**
     * Whether the peer closing the connection while the command is pending means that the
     * command did what it should ({@code quit}: QEMU sometimes exits before its reply leaves).
     *
     * @return {@code true} to complete the command normally when the peer disconnects
     */
    @JsonIgnore
    default boolean completesOnDisconnect() {
        return false;
    }

    /**
     * A command given by name, without arguments, with a raw JSON result.
     *
     * @param name the command's name; must not be {@code null}
     * @return the command
     */
    static QmpCommand<JsonNode> raw(String name) {
        return raw(name, null);
    }

    /**
     * A command given by name and JSON arguments, with a raw JSON result.
     *
     * @param name the command's name; must not be {@code null}
     * @param arguments the arguments, or {@code null} for none
     * @return the command
     */
    static QmpCommand<JsonNode> raw(String name, ObjectNode arguments) {
        return new Raw(name, arguments, false);
    }

    /**
     * A raw command for a QMP command name and arguments.
     *
     * @param name the command's name
     * @param arguments the arguments, or {@code null} for none
     * @param allowOob whether to send it out of band when the session allows
     */
    record Raw(String name, ObjectNode arguments, boolean allowOob) implements QmpCommand<JsonNode> {
        /**
         * @param name must not be {@code null} or empty
         * @param arguments may be {@code null}
         * @param allowOob whether to send out of band when possible
         */
        public Raw {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("command name is empty");
            }
        }

        @Override
        public String commandName() {
            return name;
        }

        @Override
        public Type resultType() {
            return JsonNode.class;
        }
    }
}
