package io.qmp4j.codegen;

import io.qmp4j.codegen.Merged.MValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes an alternate: a record with one component per alternative (exactly one set) and {@code other} for what fits none. */
final class AlternateWriter {

    /** The JSON test of each kind of alternative, in the order they are tried. */
    private static final Map<String, String> TESTS = Map.of("object", "json.isObject()", "string", "json.isTextual()",
            "integer", "json.isIntegralNumber()", "number", "json.isNumber()", "boolean", "json.isBoolean()",
            "null", "json.isNull()", "array", "json.isArray()");
    private static final List<String> ORDER = List.of("object", "array", "string", "boolean", "null", "integer", "number");

    private final JavaTypes types;
    private final Docs docs;

    AlternateWriter(JavaTypes types, Docs docs) {
        this.types = types;
        this.docs = docs;
    }

    /** The factory of an alternative: its name, or {@code ofNull} for JSON null (its accessor takes the name). */
    private static String factory(String field, boolean isNull) {
        return isNull ? "ofNull" : field;
    }

    String write(Merged.Def d, String j, List<MValue> alternatives) {
        Set<String> taken = new HashSet<>();
        List<String> fields = new ArrayList<>();
        for (MValue a : alternatives) {
            fields.add(Names.member(a.name(), taken));
        }
        Src o = new Src();
        o.imports(List.of("com.fasterxml.jackson.annotation.JsonCreator", "com.fasterxml.jackson.annotation.JsonValue",
                "com.fasterxml.jackson.databind.JsonNode", "com.fasterxml.jackson.databind.node.JsonNodeFactory", "java.util.List"));
        o.line("/**");
        o.line(" * QAPI alternate {@code " + d.name() + "}: one of " + alternatives.size() + " alternatives, told apart by their JSON type.");
        o.line(" *");
        o.line(" * <p>" + docs.about(d));
        o.line(" *");
        for (int i = 0; i < alternatives.size(); i++) {
            MValue a = alternatives.get(i);
            o.line(" * @param " + fields.get(i) + " alternative {@code " + a.name() + "}"
                    + (a.type().name().equals("null") ? " (true: JSON null)" : "")
                    + (Docs.onlyIn(a.in(), d.in()).isEmpty() ? "" : ", " + Docs.onlyIn(a.in(), d.in())));
        }
        o.line(" * @param other a value that fits no alternative (a newer QEMU's), as sent");
        o.line(" */");
        Model.Definition n = d.newest();
        o.line(Docs.annotation(d.name(), d.in(), n.since(), n.features(), n.condition()));
        List<String> comps = new ArrayList<>();
        for (int i = 0; i < alternatives.size(); i++) {
            MValue a = alternatives.get(i);
            comps.add(Docs.annotation(a.name(), a.in(), null, a.features(), a.condition()) + " " + types.java(a.type()) + " " + fields.get(i));
        }
        comps.add("JsonNode other");
        o.line("public record " + j + "(");
        for (int i = 0; i < comps.size(); i++) {
            o.line("        " + comps.get(i) + (i + 1 < comps.size() ? "," : ") implements QapiAlternate {"));
        }
        o.blank();
        o.line("    /** @throws IllegalArgumentException unless exactly one alternative (or {@code other}) is set */");
        o.line("    public " + j + " {");
        List<String> set = new ArrayList<>();
        fields.forEach(f -> set.add("(" + f + " != null ? 1 : 0)"));
        set.add("(other != null ? 1 : 0)");
        o.line("        if (" + String.join(" + ", set) + " != 1) {");
        o.line("            throw new IllegalArgumentException(\"" + d.name() + ": exactly one alternative is set\");");
        o.line("        }");
        o.line("    }");
        for (int i = 0; i < alternatives.size(); i++) {
            MValue a = alternatives.get(i);
            boolean isNull = a.type().name().equals("null");
            List<String> args = new ArrayList<>();
            for (int k = 0; k < alternatives.size(); k++) {
                args.add(k == i ? (isNull ? "Boolean.TRUE" : "value") : "null");
            }
            args.add("null");
            o.blank();
            o.line("    /** @return the alternative {@code " + a.name() + "}" + (isNull ? " (JSON null)" : "") + " */");
            o.line("    public static " + j + " " + factory(fields.get(i), isNull) + "(" + (isNull ? "" : types.java(a.type()) + " value") + ") {");
            o.line("        return new " + j + "(" + String.join(", ", args) + ");");
            o.line("    }");
        }
        o.blank();
        o.line("    /**");
        o.line("     * @param json what QEMU sent");
        o.line("     * @return the alternative its JSON type selects; {@code other} when none does");
        o.line("     */");
        o.line("    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)");
        o.line("    public static " + j + " fromJson(JsonNode json) {");
        for (String kind : ORDER) {
            for (int i = 0; i < alternatives.size(); i++) {
                MValue a = alternatives.get(i);
                if (!types.jsonKind(a.type()).equals(kind)) {
                    continue;
                }
                String value = kind.equals("null") ? "" : types.decode(a.type(), "json");
                o.line("        if (" + TESTS.get(kind) + ") {");
                o.line("            return " + factory(fields.get(i), kind.equals("null")) + "(" + value + ");");
                o.line("        }");
            }
        }
        o.line("        return new " + j + "(" + "null, ".repeat(alternatives.size()) + "json);");
        o.line("    }");
        o.blank();
        o.line("    @JsonValue");
        o.line("    @Override");
        o.line("    public JsonNode toJson() {");
        for (int i = 0; i < alternatives.size(); i++) {
            MValue a = alternatives.get(i);
            String enc = a.type().name().equals("null") ? "JsonNodeFactory.instance.nullNode()"
                    : "QapiEncoder.encode(" + fields.get(i) + ", " + JavaTypes.unsigned(a.type()) + ")";
            o.line("        if (" + fields.get(i) + " != null) {");
            o.line("            return " + enc + ";");
            o.line("        }");
        }
        o.line("        return other;");
        o.line("    }");
        o.line("}");
        return o.toString();
    }
}
