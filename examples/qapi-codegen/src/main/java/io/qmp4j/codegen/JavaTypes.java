package io.qmp4j.codegen;

import io.qmp4j.codegen.Model.TypeRef;
import java.util.Map;

/** The Java type, decoder and encoder call of each QAPI type reference. */
final class JavaTypes {

    private record Builtin(String java, String decoder, boolean unsigned, String primitive) {
    }

    private static final Map<String, Builtin> BUILTINS = Map.ofEntries(
            Map.entry("str", new Builtin("String", "QapiDecoder::str", false, null)),
            Map.entry("QType", new Builtin("String", "QapiDecoder::str", false, null)),
            Map.entry("int", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("int8", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("int16", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("int32", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("int64", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("uint8", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("uint16", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("uint32", new Builtin("Long", "QapiDecoder::int64", false, "long")),
            Map.entry("uint64", new Builtin("Long", "QapiDecoder::uint64", true, "long")),
            Map.entry("size", new Builtin("Long", "QapiDecoder::uint64", true, "long")),
            Map.entry("number", new Builtin("Double", "QapiDecoder::number", false, "double")),
            Map.entry("bool", new Builtin("Boolean", "QapiDecoder::bool", false, "boolean")),
            Map.entry("any", new Builtin("JsonNode", "QapiDecoder::any", false, null)),
            Map.entry("null", new Builtin("Boolean", null, false, null)));

    private final Merged merged;
    private final Names names;

    JavaTypes(Merged merged, Names names) {
        this.merged = merged;
        this.names = names;
    }

    static boolean builtin(String name) {
        return BUILTINS.containsKey(name);
    }

    /** @return the Java type of a member or result, e.g. {@code List<CommandInfo>} */
    String java(TypeRef t) {
        String e = element(t.name());
        return t.array() ? "List<" + e + ">" : e;
    }

    /** @return the class literal of a command's result type */
    String resultType(TypeRef t) {
        if (t == null) {
            return "Void.class";
        }
        String e = element(t.name()) + ".class";
        return t.array() ? "QapiDecoder.listOf(" + e + ")" : e;
    }

    /** @return the builder setter's parameter type: a primitive for scalars */
    String setter(TypeRef t) {
        Builtin b = BUILTINS.get(t.name());
        return !t.array() && b != null && b.primitive() != null ? b.primitive() : java(t);
    }

    private String element(String name) {
        Builtin b = BUILTINS.get(name);
        return b != null ? b.java() : names.type(name);
    }

    /** @return an expression of a {@code Function<JsonNode, T>} that reads the type */
    String decoder(TypeRef t) {
        String e;
        Builtin b = BUILTINS.get(t.name());
        if (b != null) {
            e = b.decoder();
        } else if (merged.get(t.name()).newest() instanceof Model.Enum) {
            e = "QapiDecoder.enumeration(" + names.type(t.name()) + "::of)";
        } else {
            e = names.type(t.name()) + "::fromJson";
        }
        return t.array() ? "QapiDecoder.list(" + e + ")" : e;
    }

    /** @return an expression that reads {@code var}, a JSON node, as the type */
    String decode(TypeRef t, String var) {
        String d = decoder(t);
        if (t.array() || d.startsWith("QapiDecoder.enumeration")) {
            return d + ".apply(" + var + ")";
        }
        return d.replace("::", ".") + "(" + var + ")";
    }

    /** @return whether the type's integers are unsigned 64-bit ({@code uint64}, {@code size}) */
    static boolean unsigned(TypeRef t) {
        Builtin b = BUILTINS.get(t.name());
        return b != null && b.unsigned();
    }

    /** @return what JSON type a value of it is: object, string, integer, number, boolean, null, array */
    String jsonKind(TypeRef t) {
        if (t.array()) {
            return "array";
        }
        return switch (t.name()) {
            case "str", "QType" -> "string";
            case "int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "size" -> "integer";
            case "number" -> "number";
            case "bool" -> "boolean";
            case "null" -> "null";
            case "any" -> "any";
            default -> merged.get(t.name()).newest() instanceof Model.Enum ? "string" : "object";
        };
    }
}
