package io.qmp4j.codegen;

import io.qmp4j.codegen.Merged.MValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes an open enum: a class with a constant per value that any schema has, which also holds
 * values that none has ({@code of}), and a nested Java enum {@code Known} for {@code switch}.
 */
final class EnumWriter {

    private final Docs docs;

    EnumWriter(Docs docs) {
        this.docs = docs;
    }

    String write(Merged.Def d, String j, List<MValue> values) {
        Set<String> taken = new HashSet<>();
        List<String> constants = new ArrayList<>();
        for (MValue v : values) {
            constants.add(Names.constant(v.name(), taken));
        }
        Src o = new Src();
        o.imports(List.of("com.fasterxml.jackson.annotation.JsonCreator", "java.util.List", "java.util.Map", "java.util.HashMap"));
        o.line("/**");
        o.line(" * The values of QAPI enum {@code " + d.name() + "}: a constant for each value that a schema qmp4j was generated");
        o.line(" * from has, and any other value QEMU sends, kept as sent ({@link #of}).");
        o.line(" *");
        o.line(" * <p>" + docs.about(d));
        o.line(" */");
        Model.Definition n = d.newest();
        o.line(Docs.annotation(d.name(), d.in(), n.since(), n.features(), n.condition()));
        o.line("public final class " + j + " extends QapiEnum {");
        o.blank();
        for (int i = 0; i < values.size(); i++) {
            MValue v = values.get(i);
            StringBuilder doc = new StringBuilder("{@code " + v.name() + "}");
            String only = Docs.onlyIn(v.in(), d.in());
            if (!only.isEmpty()) {
                doc.append(": ").append(only);
            }
            StringBuilder f = new StringBuilder();
            Docs.features(f, v.features());
            o.line("    /** " + doc + "." + f + (v.condition() != null ? " Built only when {@code " + v.condition() + "}." : "") + " */");
            o.line("    " + Docs.annotation(v.name(), v.in(), null, v.features(), v.condition()));
            o.line("    public static final " + j + " " + constants.get(i) + " = new " + j + "(\"" + v.name() + "\", " + i + ");");
            o.blank();
        }
        o.line("    private static final List<" + j + "> VALUES = List.of(" + String.join(", ", constants) + ");");
        o.line("    private static final Map<String, " + j + "> BY_VALUE = new HashMap<>();");
        o.line("    private static final Known[] KNOWN = Known.values();");
        o.blank();
        o.line("    static {");
        o.line("        VALUES.forEach(v -> BY_VALUE.put(v.value(), v));");
        o.line("    }");
        o.blank();
        o.line("    private final int ordinal;");
        o.blank();
        o.line("    private " + j + "(String value, int ordinal) {");
        o.line("        super(value, ordinal >= 0);");
        o.line("        this.ordinal = ordinal;");
        o.line("    }");
        o.blank();
        o.line("    /**");
        o.line("     * @param value a value as QEMU writes it");
        o.line("     * @return its constant, or a value of this type that no schema qmp4j was generated from has");
        o.line("     */");
        o.line("    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)");
        o.line("    public static " + j + " of(String value) {");
        o.line("        " + j + " known = BY_VALUE.get(value);");
        o.line("        return known != null ? known : new " + j + "(value, -1);");
        o.line("    }");
        o.blank();
        o.line("    /** @return the constants, in the schema's order */");
        o.line("    public static List<" + j + "> values() {");
        o.line("        return VALUES;");
        o.line("    }");
        o.blank();
        o.line("    /** @return the value as a Java enum, for {@code switch}; {@link Known#OTHER} for a value no schema has */");
        o.line("    public Known known() {");
        o.line("        return ordinal >= 0 ? KNOWN[ordinal] : Known.OTHER;");
        o.line("    }");
        o.blank();
        o.line("    /** The values of {@link " + j + "} as a Java enum, for {@code switch}. */");
        o.line("    public enum Known {");
        for (String c : constants) {
            o.line("        /** {@link " + j + "#" + c + "}. */");
            o.line("        " + c + ",");
        }
        o.line("        /** A value that no schema qmp4j was generated from has. */");
        o.line("        OTHER");
        o.line("    }");
        o.line("}");
        return o.toString();
    }
}
