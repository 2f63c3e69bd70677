package io.qmp4j.core.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The QAPI schema of one QEMU, from {@code query-qmp-schema}: what this QEMU understands.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * QmpSchema schema = client.schema().join();
 * schema.hasCommand("migrate-set-parameters");
 * schema.commandTakesArgument("migrate-set-parameters", "compress-level");  // false on QEMU 9.1+
 * schema.argumentEnumValues("migrate-set-capabilities", "capabilities", "capability");
 * }</pre>
 *
 * @since 0.1
 */
public final class QmpSchema {

    private final JsonNode raw;
    private final Map<String, SchemaCommand> commands;
    private final Map<String, String> events; // name -> arg type id
    private final Map<String, SchemaType> types;

    private QmpSchema(JsonNode raw, Map<String, SchemaCommand> commands, Map<String, String> events,
                      Map<String, SchemaType> types) {
        this.raw = raw;
        this.commands = commands;
        this.events = events;
        this.types = types;
    }

    /**
     * Reads the reply of {@code query-qmp-schema}.
     *
     * @param reply the {@code return} member: an array of schema entities
     * @return the schema
     * @throws IllegalArgumentException when the reply is not a schema
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static QmpSchema parse(JsonNode reply) {
        if (reply == null || !reply.isArray()) {
            throw new IllegalArgumentException("query-qmp-schema must return an array");
        }
        Map<String, SchemaCommand> commands = new LinkedHashMap<>();
        Map<String, String> events = new LinkedHashMap<>();
        Map<String, SchemaType> types = new LinkedHashMap<>();
        for (JsonNode e : reply) {
            String name = e.path("name").asText();
            switch (e.path("meta-type").asText()) {
                case "command" -> commands.put(name, new SchemaCommand(name, e.path("arg-type").asText(null),
                        e.path("ret-type").asText(null), e.path("allow-oob").asBoolean(false), strings(e.get("features"))));
                case "event" -> events.put(name, e.path("arg-type").asText(null));
                case "builtin" -> types.put(name, new SchemaType.Builtin(name, e.path("json-type").asText()));
                case "enum" -> {
                    List<String> deprecated = new ArrayList<>();
                    for (JsonNode m : e.path("members")) {
                        if (strings(m.get("features")).contains("deprecated")) {
                            deprecated.add(m.path("name").asText());
                        }
                    }
                    types.put(name, new SchemaType.Enum(name, strings(e.get("values")), List.copyOf(deprecated)));
                }
                case "array" -> types.put(name, new SchemaType.Array(name, e.path("element-type").asText()));
                case "object" -> {
                    Map<String, SchemaType.Member> members = new LinkedHashMap<>();
                    for (JsonNode m : e.path("members")) {
                        String mn = m.path("name").asText();
                        members.put(mn, new SchemaType.Member(mn, m.path("type").asText(), m.has("default"),
                                strings(m.get("features"))));
                    }
                    Map<String, String> variants = new LinkedHashMap<>();
                    for (JsonNode v : e.path("variants")) {
                        variants.put(v.path("case").asText(), v.path("type").asText());
                    }
                    types.put(name, new SchemaType.Object(name, Collections.unmodifiableMap(members),
                            e.path("tag").asText(null), Collections.unmodifiableMap(variants)));
                }
                case "alternate" -> {
                    List<String> alts = new ArrayList<>();
                    for (JsonNode m : e.path("members")) {
                        alts.add(m.path("type").asText());
                    }
                    types.put(name, new SchemaType.Alternate(name, List.copyOf(alts)));
                }
                default -> {
                    // a meta-type from a newer QEMU: ignored
                }
            }
        }
        return new QmpSchema(reply, Collections.unmodifiableMap(commands), Collections.unmodifiableMap(events),
                Collections.unmodifiableMap(types));
    }

    private static List<String> strings(JsonNode array) {
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(array.size());
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    /** @return the schema as QEMU sent it */
    @JsonValue
    public JsonNode raw() {
        return raw;
    }

    /** @return the names of all commands, sorted */
    public Set<String> commandNames() {
        return Collections.unmodifiableSet(new TreeSet<>(commands.keySet()));
    }

    /** @return the names of all events, sorted */
    public Set<String> eventNames() {
        return Collections.unmodifiableSet(new TreeSet<>(events.keySet()));
    }

    /**
     * @param name a command name
     * @return the command, if this QEMU has it
     */
    public Optional<SchemaCommand> command(String name) {
        return Optional.ofNullable(commands.get(name));
    }

    /**
     * @param name a command name
     * @return whether this QEMU has the command
     */
    public boolean hasCommand(String name) {
        return commands.containsKey(name);
    }

    /**
     * @param name an event name
     * @return whether this QEMU has the event
     */
    public boolean hasEvent(String name) {
        return events.containsKey(name);
    }

    /**
     * @param id a type id
     * @return the type
     */
    public Optional<SchemaType> type(String id) {
        return Optional.ofNullable(types.get(id));
    }

    /**
     * @param command a command name
     * @return whether the command exists and allows out-of-band execution
     */
    public boolean commandAllowsOob(String command) {
        return command(command).map(SchemaCommand::allowOob).orElse(false);
    }

    /**
     * @param command a command name
     * @return whether the command exists and is deprecated
     */
    public boolean isDeprecated(String command) {
        return command(command).map(SchemaCommand::isDeprecated).orElse(false);
    }

    /**
     * @param command a command name
     * @return whether the command exists and is unstable
     */
    public boolean isUnstable(String command) {
        return command(command).map(SchemaCommand::isUnstable).orElse(false);
    }

    /**
     * Follows a path of member names from a command's arguments, through arrays, to a type.
     *
     * @param command a command name
     * @param path member names, e.g. {@code "capabilities", "capability"}
     * @return the type at the end of the path, if the command and every member exist
     */
    public Optional<SchemaType> argumentType(String command, String... path) {
        SchemaCommand c = commands.get(command);
        return c == null ? Optional.empty() : follow(c.argType(), path);
    }

    /**
     * As {@link #argumentType}, for the command's return type.
     *
     * @param command a command name
     * @param path member names
     * @return the type at the end of the path
     */
    public Optional<SchemaType> returnType(String command, String... path) {
        SchemaCommand c = commands.get(command);
        return c == null ? Optional.empty() : follow(c.retType(), path);
    }

    /**
     * As {@link #argumentType}, for an event's data.
     *
     * @param event an event name
     * @param path member names
     * @return the type at the end of the path
     */
    public Optional<SchemaType> eventType(String event, String... path) {
        String t = events.get(event);
        return t == null ? Optional.empty() : follow(t, path);
    }

    /**
     * @param command a command name
     * @param argument an argument name (a common member, or a member of any union variant)
     * @return whether the command takes the argument
     */
    public boolean commandTakesArgument(String command, String argument) {
        return argumentType(command, argument).isPresent();
    }

    /**
     * @param command a command name
     * @param path the path to an enum-typed argument, e.g. {@code "capabilities", "capability"}
     * @return the enum's values; empty when there is no such argument or it is not an enum
     */
    public List<String> argumentEnumValues(String command, String... path) {
        return argumentType(command, path).filter(t -> t instanceof SchemaType.Enum)
                .map(t -> ((SchemaType.Enum) t).values()).orElse(List.of());
    }

    /**
     * @param type an object type
     * @param member a member name
     * @return whether the object (or one of its variants) has the member
     */
    public boolean typeHasMember(SchemaType type, String member) {
        return memberOf(type, member, null).isPresent();
    }

    private Optional<SchemaType> follow(String typeId, String... path) {
        SchemaType t = types.get(typeId);
        for (String p : path) {
            t = unwrapArrays(t);
            if (t == null) {
                return Optional.empty();
            }
            Optional<SchemaType.Member> m = memberOf(t, p, null);
            if (m.isEmpty()) {
                return Optional.empty();
            }
            t = types.get(m.get().type());
        }
        return Optional.ofNullable(t);
    }

    private SchemaType unwrapArrays(SchemaType t) {
        while (t instanceof SchemaType.Array a) {
            t = types.get(a.elementType());
        }
        return t;
    }

    /** A member of the object, of the variant that {@code tagValue} selects, or (tagValue null) of any variant. */
    private Optional<SchemaType.Member> memberOf(SchemaType t, String name, String tagValue) {
        if (!(t instanceof SchemaType.Object o)) {
            return Optional.empty();
        }
        SchemaType.Member m = o.members().get(name);
        if (m != null) {
            return Optional.of(m);
        }
        if (tagValue != null) {
            String v = o.variants().get(tagValue);
            return v == null ? Optional.empty() : memberOf(types.get(v), name, null);
        }
        for (String v : o.variants().values()) {
            Optional<SchemaType.Member> vm = memberOf(types.get(v), name, null);
            if (vm.isPresent()) {
                return vm;
            }
        }
        return Optional.empty();
    }

    /**
     * Checks a command and its arguments against this schema: the command exists, every member
     * given exists (in nested objects and arrays too, following union tags), every enum value
     * given is known, and every mandatory member is present.
     *
     * @param command the command's name
     * @param arguments its arguments, or {@code null}
     * @return the problems found, each a sentence naming the member and what this QEMU
     *         supports instead; empty when the command fits
     */
    public List<String> check(String command, JsonNode arguments) {
        Objects.requireNonNull(command, "command");
        List<String> problems = new ArrayList<>();
        SchemaCommand c = commands.get(command);
        if (c == null) {
            problems.add("command '" + command + "' is not supported by this QEMU");
            return problems;
        }
        checkValue(c.argType(), arguments == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                : arguments, "", problems, true);
        return problems;
    }

    private void checkValue(String typeId, JsonNode value, String path, List<String> problems, boolean top) {
        SchemaType t = types.get(typeId);
        if (t == null || value == null || value.isNull()) {
            return;
        }
        if (t instanceof SchemaType.Array a) {
            if (value.isArray()) {
                int i = 0;
                for (JsonNode el : value) {
                    checkValue(a.elementType(), el, path + "[" + i++ + "]", problems, false);
                }
            }
        } else if (t instanceof SchemaType.Enum en) {
            if (value.isTextual() && !en.hasValue(value.asText())) {
                problems.add("value '" + value.asText() + "' of " + describe(path, top) + " is not supported by this QEMU; it supports: "
                        + String.join(", ", en.values()));
            }
        } else if (t instanceof SchemaType.Object o && value.isObject()) {
            String tagValue = o.tag() == null ? null : value.path(o.tag()).asText(null);
            SchemaType.Object variant = null;
            if (tagValue != null && o.variants().containsKey(tagValue)) {
                SchemaType vt = types.get(o.variants().get(tagValue));
                variant = vt instanceof SchemaType.Object vo ? vo : null;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String memberPath = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                SchemaType.Member m = o.members().get(f.getKey());
                if (m == null && variant != null) {
                    m = variant.members().get(f.getKey());
                }
                if (m == null) {
                    List<String> supported = new ArrayList<>(o.members().keySet());
                    if (variant != null) {
                        supported.addAll(variant.members().keySet());
                    }
                    problems.add((top && path.isEmpty() ? "parameter '" : "member '") + memberPath
                            + "' is not supported by this QEMU; it supports: " + String.join(", ", supported));
                } else {
                    checkValue(m.type(), f.getValue(), memberPath, problems, top);
                }
            }
            List<SchemaType.Member> mandatory = new ArrayList<>();
            o.members().values().stream().filter(m -> !m.optional()).forEach(mandatory::add);
            if (variant != null) {
                variant.members().values().stream().filter(m -> !m.optional()).forEach(mandatory::add);
            }
            for (SchemaType.Member m : mandatory) {
                if (!value.has(m.name())) {
                    String memberPath = path.isEmpty() ? m.name() : path + "." + m.name();
                    problems.add("mandatory " + (top && path.isEmpty() ? "parameter '" : "member '") + memberPath + "' is missing");
                }
            }
        }
    }

    private static String describe(String path, boolean top) {
        return (top && !path.contains(".") && !path.contains("[") ? "parameter '" : "member '") + path + "'";
    }

    @Override
    public String toString() {
        return "QmpSchema[" + commands.size() + " commands, " + events.size() + " events, " + types.size() + " types]";
    }
}
