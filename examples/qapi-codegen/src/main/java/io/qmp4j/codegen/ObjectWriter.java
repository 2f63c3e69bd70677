package io.qmp4j.codegen;

import io.qmp4j.codegen.Merged.MMember;
import io.qmp4j.codegen.Merged.MValue;
import io.qmp4j.codegen.Model.TypeRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a record for a QAPI object: a struct, a union (its base members, then the branch its
 * discriminator selects), a command's arguments or an event's data. Every record keeps the
 * members it does not know ({@code extra}), decodes leniently and encodes without absent members;
 * one with more than three optional members has a builder.
 */
final class ObjectWriter {

    /** What one record is. */
    record Spec(Merged.Def def, String javaName, String summary, List<MMember> members, TypeRef boxed, String discriminator,
                List<MValue> branches, List<String> implemented, List<String> body) {
    }

    /** A member with its Java name. */
    private record Field(MMember m, String name, String type) {
    }

    static final List<String> IMPORTS = List.of("com.fasterxml.jackson.annotation.JsonCreator",
            "com.fasterxml.jackson.annotation.JsonValue", "com.fasterxml.jackson.databind.JsonNode",
            "com.fasterxml.jackson.databind.node.ObjectNode", "java.util.List", "java.util.Map", "java.util.LinkedHashMap",
            "io.qmp4j.core.QmpCommand", "java.lang.reflect.Type", "java.util.function.Function");

    private final JavaTypes types;
    private final Docs docs;
    private final Names names;

    ObjectWriter(JavaTypes types, Docs docs, Names names) {
        this.types = types;
        this.docs = docs;
        this.names = names;
    }

    String write(Spec s) {
        List<Field> fields = fields(s);
        String q = s.def().name();
        String j = s.javaName();
        Src o = new Src();
        o.imports(IMPORTS);
        o.line("/**");
        o.line(" * " + s.summary());
        o.line(" *");
        o.line(" * <p>" + docs.about(s.def()));
        o.line(" *");
        for (Field f : fields) {
            o.line(" * @param " + f.name() + " {@code " + f.m().name() + "}, " + docs.member(f.m(), s.def().in()));
        }
        if (s.boxed() != null) {
            o.line(" * @param data the arguments, all of them");
        }
        if (s.discriminator() != null) {
            o.line(" * @param branch the members of the branch that {@code " + s.discriminator() + "} selects; null when it selects none");
        }
        o.line(" * @param extra members this type does not know: as QEMU sent them, or to send");
        o.line(" */");
        Model.Definition n = s.def().newest();
        o.line(Docs.annotation(q, s.def().in(), n.since(), n.features(), n.condition()));
        List<String> comps = new ArrayList<>();
        for (Field f : fields) {
            comps.add(Docs.annotation(f.m().name(), f.m().in(), null, f.m().features(), f.m().condition()) + " " + f.type() + " " + f.name());
        }
        if (s.boxed() != null) {
            comps.add(types.java(s.boxed()) + " data");
        }
        if (s.discriminator() != null) {
            comps.add("Branch branch");
        }
        comps.add("Map<String, JsonNode> extra");
        o.line("public record " + j + "(");
        for (int i = 0; i < comps.size(); i++) {
            o.line("        " + comps.get(i) + (i + 1 < comps.size() ? "," : ") implements " + String.join(", ", s.implemented()) + " {"));
        }
        o.blank();
        if (s.discriminator() != null) {
            o.line("    /** The members of one branch of the union: the types its {@code " + s.discriminator() + "} selects implement it. */");
            o.line("    public interface Branch extends QapiObject {");
            o.line("    }");
            o.blank();
        }
        s.body().forEach(o::line);
        o.line("    /** Keeps {@code extra} unmodifiable, in its order; {@code null} is none. */");
        o.line("    public " + j + " {");
        o.line("        extra = QapiEncoder.copy(extra);");
        o.line("    }");
        o.blank();
        List<String> params = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (Field f : fields) {
            params.add(f.type() + " " + f.name());
            args.add(f.name());
        }
        if (s.boxed() != null) {
            params.add(types.java(s.boxed()) + " data");
            args.add("data");
        }
        if (s.discriminator() != null) {
            params.add("Branch branch");
            args.add("branch");
        }
        o.line("    /** Without members this type does not know. */");
        o.line("    public " + j + "(" + String.join(", ", params) + ") {");
        args.add("Map.of()");
        o.line("        this(" + String.join(", ", args) + ");");
        o.line("    }");
        o.blank();
        requiredOnly(o, s, fields);
        decode(o, s, fields);
        encode(o, s, fields);
        if (fields.stream().filter(f -> !f.m().required()).count() > 3) {
            builder(o, s, fields);
        }
        o.line("}");
        return o.toString();
    }

    /** A constructor of the members every version requires, when a plain record also has optional ones. */
    private static void requiredOnly(Src o, Spec s, List<Field> fields) {
        if (s.boxed() != null || s.discriminator() != null || fields.stream().allMatch(f -> f.m().required())) {
            return;
        }
        List<String> params = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (Field f : fields) {
            if (f.m().required()) {
                params.add(f.type() + " " + f.name());
            }
            args.add(f.m().required() ? f.name() : "null");
        }
        args.add("Map.of()");
        o.line("    /** With the members every version requires; the optional ones absent. */");
        o.line("    public " + s.javaName() + "(" + String.join(", ", params) + ") {");
        o.line("        this(" + String.join(", ", args) + ");");
        o.line("    }");
        o.blank();
    }

    private List<Field> fields(Spec s) {
        Set<String> taken = new HashSet<>();
        List<Field> out = new ArrayList<>();
        for (MMember m : s.members()) {
            out.add(new Field(m, Names.member(m.name(), taken), types.java(m.type())));
        }
        return out;
    }

    private void decode(Src o, Spec s, List<Field> fields) {
        String j = s.javaName();
        o.line("    /**");
        o.line("     * @param json what QEMU sent");
        o.line("     * @return it, decoded leniently: what does not fit is kept in {@code extra}");
        o.line("     * @throws IllegalArgumentException when it is not a JSON object");
        o.line("     */");
        o.line("    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)");
        o.line("    public static " + j + " fromJson(JsonNode json) {");
        if (s.boxed() != null) {
            o.line("        return new " + j + "(" + names.type(s.boxed().name()) + ".fromJson(json), Map.of());");
            o.line("    }");
            o.blank();
            return;
        }
        o.line("        QapiDecoder qapiDecoder = QapiDecoder.of(json, \"" + s.def().name() + "\");");
        List<String> args = new ArrayList<>();
        for (Field f : fields) {
            if (!f.m().legacy()) {
                o.line("        " + f.type() + " " + f.name() + " = qapiDecoder.get(\"" + f.m().name() + "\", " + types.decoder(f.m().type()) + ");");
            }
            args.add(f.name());
        }
        if (s.discriminator() != null) {
            Field d = fields.stream().filter(f -> f.m().name().equals(s.discriminator())).findFirst().orElseThrow(
                    () -> new IllegalStateException(s.def().name() + ": no discriminator member " + s.discriminator()));
            for (Field f : fields) {
                if (f.m().legacy()) {
                    o.line("        " + f.type() + " " + f.name() + " = " + d.name() + " != null ? null : qapiDecoder.get(\"" + f.m().name()
                            + "\", " + types.decoder(f.m().type()) + ");");
                }
            }
            o.line("        Branch branch = " + d.name() + " == null ? null : switch (" + d.name() + ".value()) {");
            Map<String, List<String>> byType = new LinkedHashMap<>();
            for (MValue b : s.branches()) {
                byType.computeIfAbsent(b.type().name(), k -> new ArrayList<>()).add("\"" + b.name() + "\"");
            }
            byType.forEach((t, values) -> o.line("            case " + String.join(", ", values) + " -> " + names.type(t)
                    + ".fromJson(qapiDecoder.rest());"));
            o.line("            default -> null;");
            o.line("        };");
            args.add("branch");
        }
        args.add("qapiDecoder.extra()");
        o.line("        return new " + j + "(" + String.join(", ", args) + ");");
        o.line("    }");
        o.blank();
    }

    private void encode(Src o, Spec s, List<Field> fields) {
        o.line("    @JsonValue");
        o.line("    @Override");
        o.line("    public ObjectNode toJson() {");
        if (s.boxed() != null) {
            o.line("        ObjectNode json = data == null ? QapiEncoder.of(\"" + s.def().name() + "\").done() : data.toJson().deepCopy();");
            o.line("        extra.forEach(json::set);");
            o.line("        return json;");
            o.line("    }");
            o.blank();
            return;
        }
        StringBuilder b = new StringBuilder("        return QapiEncoder.of(\"" + s.def().name() + "\")");
        o.line(b.toString());
        for (Field f : fields) {
            boolean require = f.m().required() && s.def().newest() instanceof Model.Command;
            String call = (require ? "require" : "put") + (JavaTypes.unsigned(f.m().type()) ? "Unsigned" : "");
            o.line("                ." + call + "(\"" + f.m().name() + "\", " + f.name() + ")");
        }
        if (s.discriminator() != null) {
            o.line("                .putAll(branch == null ? null : branch.toJson())");
        }
        o.line("                .extra(extra).done();");
        o.line("    }");
        o.blank();
    }

    private void builder(Src o, Spec s, List<Field> fields) {
        String j = s.javaName();
        o.line("    /** @return a builder of " + j + ", every member absent */");
        o.line("    public static Builder builder() {");
        o.line("        return new Builder();");
        o.line("    }");
        o.blank();
        o.line("    /** @return a builder with this object's members */");
        o.line("    public Builder toBuilder() {");
        o.line("        Builder b = new Builder();");
        for (Field f : fields) {
            o.line("        b." + f.name() + " = " + f.name() + ";");
        }
        if (s.discriminator() != null) {
            o.line("        b.branch = branch;");
        }
        o.line("        b.extra.putAll(extra);");
        o.line("        return b;");
        o.line("    }");
        o.blank();
        o.line("    /** Builds a {@link " + j + "}; not thread-safe. */");
        o.line("    public static final class Builder {");
        for (Field f : fields) {
            o.line("        private " + f.type() + " " + f.name() + ";");
        }
        if (s.discriminator() != null) {
            o.line("        private Branch branch;");
        }
        o.line("        private final Map<String, JsonNode> extra = new LinkedHashMap<>();");
        o.blank();
        o.line("        private Builder() {");
        o.line("        }");
        for (Field f : fields) {
            o.blank();
            o.line("        /** @param " + f.name() + " {@code " + f.m().name() + "} @return this */");
            o.line("        public Builder " + f.name() + "(" + types.setter(f.m().type()) + " " + f.name() + ") {");
            o.line("            this." + f.name() + " = " + f.name() + ";");
            o.line("            return this;");
            o.line("        }");
        }
        if (s.discriminator() != null) {
            o.blank();
            o.line("        /** @param branch the members of the branch that {@code " + s.discriminator() + "} selects @return this */");
            o.line("        public Builder branch(Branch branch) {");
            o.line("            this.branch = branch;");
            o.line("            return this;");
            o.line("        }");
        }
        o.blank();
        o.line("        /** @param name a member this type does not know @param value its value @return this */");
        o.line("        public Builder extra(String name, JsonNode value) {");
        o.line("            extra.put(name, value);");
        o.line("            return this;");
        o.line("        }");
        o.blank();
        o.line("        /** @return the " + j + " */");
        o.line("        public " + j + " build() {");
        List<String> args = new ArrayList<>(fields.stream().map(Field::name).toList());
        if (s.discriminator() != null) {
            args.add("branch");
        }
        args.add("extra");
        o.line("            return new " + j + "(" + String.join(", ", args) + ");");
        o.line("        }");
        o.line("    }");
    }
}
