package io.qmp4j.codegen;

import io.qmp4j.codegen.Merged.Def;
import io.qmp4j.codegen.Model.TypeRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Generates {@code io.qmp4j.core.qapi} from the models of every QEMU version at once. */
final class Generator {

    private final Merged merged;
    private final Names names;
    private final JavaTypes types;
    private final Docs docs;
    private final ObjectWriter objects;
    private final Map<String, Set<String>> branchOf;

    private Generator(List<Model.Schema> models) {
        this.merged = new Merged(models);
        this.names = new Names(merged);
        this.types = new JavaTypes(merged, names);
        this.docs = new Docs(merged);
        this.objects = new ObjectWriter(types, docs, names);
        this.branchOf = merged.branchOf();
    }

    /**
     * @param models every version's model
     * @return each generated file's path under the source root, and its text
     */
    static Map<String, String> generate(List<Model.Schema> models) {
        return new Generator(models).files();
    }

    /**
     * Writes the files, and removes generated files that are no longer generated.
     *
     * @return how many files were written
     */
    static int write(List<Model.Schema> models, Path sourceRoot) throws IOException {
        Map<String, String> files = generate(models);
        Path dir = sourceRoot.resolve(Src.PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        for (Path old : generatedFiles(dir)) {
            if (!files.containsKey(sourceRoot.relativize(old).toString())) {
                Files.delete(old);
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(sourceRoot.resolve(f.getKey()), f.getValue());
        }
        return files.size();
    }

    /** @return the files in {@code dir} that the generator wrote (they start with its mark) */
    static List<Path> generatedFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                try (Stream<String> lines = Files.lines(p)) {
                    if (lines.findFirst().orElse("").equals(Src.MARK)) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    private Map<String, String> files() {
        Map<String, String> out = new TreeMap<>();
        for (Def d : merged.all()) {
            String j = names.type(d.name());
            out.put(Src.PACKAGE.replace('.', '/') + "/" + j + ".java", source(d, j));
        }
        out.put(Src.PACKAGE.replace('.', '/') + "/QapiIndex.java", index());
        out.put(Src.PACKAGE.replace('.', '/') + "/package-info.java", packageInfo());
        return out;
    }

    /** The package's summary: what is in it, from which QEMU versions, and how it reads and writes. */
    private String packageInfo() {
        String versions = String.join(" and ", merged.versions());
        return Src.MARK + "\n"
                + "/**\n"
                + " * Every QMP command, event, struct, enum, union and alternate of QEMU " + versions + ", generated from\n"
                + " * QEMU's own QAPI schemas; {@link io.qmp4j.core.qapi.QapiIndex} lists the commands and events.\n"
                + " *\n"
                + " * <p>Each type, member and enum value carries {@link io.qmp4j.core.qapi.Qapi @Qapi}: its QAPI name,\n"
                + " * the versions whose schema has it, its features and build condition; the connected QEMU's\n"
                + " * own schema, checked before a typed command is sent, has the last word. A command is a\n"
                + " * record of its arguments ({@code null}: left out) and a {@link io.qmp4j.core.QmpCommand} of\n"
                + " * its result. Decoding is lenient and loses nothing: members a type does not know are kept in\n"
                + " * {@code extra()}, enums are open ({@code of(\"a-new-value\")}, {@code isKnown()}, {@code known()}\n"
                + " * for {@code switch}), a union's branch is a record of its own ({@code branch()}), an alternate\n"
                + " * has a component per alternative; {@code toJson()} writes back what was read. Companions that\n"
                + " * build the common values (TLS objects, block nodes, socket addresses, migration helpers) are in\n"
                + " * {@link io.qmp4j.core.command}.\n"
                + " */\n"
                + "package " + Src.PACKAGE + ";\n";
    }

    /** {@code QapiIndex}: every command's and event's class by its QAPI name, and the versions generated from. */
    private String index() {
        Src o = new Src();
        o.imports(List.of("io.qmp4j.core.QmpCommand", "java.util.List", "java.util.Map"));
        o.line("/** Every generated command and event by its QAPI name, and the QEMU versions they were generated from. */");
        o.line("public final class QapiIndex {");
        o.blank();
        o.line("    private static final List<String> VERSIONS = List.of(" + String.join(", ",
                merged.versions().stream().map(v -> "\"" + v + "\"").toList()) + ");");
        List<String> commands = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (Def d : merged.all()) {
            String entry = "            Map.entry(\"" + d.name() + "\", " + names.type(d.name()) + ".class)";
            if (d.newest() instanceof Model.Command) {
                commands.add(entry);
            } else if (d.newest() instanceof Model.Event) {
                events.add(entry);
            }
        }
        o.line("    private static final Map<String, Class<? extends QmpCommand<?>>> COMMANDS = Map.ofEntries(");
        o.line(String.join(",\n", commands) + ");");
        o.line("    private static final Map<String, Class<? extends QapiObject>> EVENTS = Map.ofEntries(");
        o.line(String.join(",\n", events) + ");");
        o.blank();
        o.line("    private QapiIndex() {");
        o.line("    }");
        o.blank();
        o.line("    /** @return the QEMU versions whose schemas the types were generated from, oldest first */");
        o.line("    public static List<String> versions() {");
        o.line("        return VERSIONS;");
        o.line("    }");
        o.blank();
        o.line("    /** @return every generated command's class, by the command's QAPI name */");
        o.line("    public static Map<String, Class<? extends QmpCommand<?>>> commands() {");
        o.line("        return COMMANDS;");
        o.line("    }");
        o.blank();
        o.line("    /** @return every generated event's class, by the event's QAPI name */");
        o.line("    public static Map<String, Class<? extends QapiObject>> events() {");
        o.line("        return EVENTS;");
        o.line("    }");
        o.line("}");
        return o.toString();
    }

    private String source(Def d, String j) {
        Model.Definition n = d.newest();
        if (n instanceof Model.Enum) {
            return new EnumWriter(docs).write(d, j, merged.values(d));
        }
        if (n instanceof Model.Alternate) {
            return new AlternateWriter(types, docs).write(d, j, merged.values(d));
        }
        if (n instanceof Model.Command c) {
            return command(d, j, c);
        }
        if (n instanceof Model.Event e) {
            TypeRef boxed = e.boxed() ? new TypeRef(e.data(), false) : null;
            List<String> body = List.of("    /** The event's name. */", "    public static final String NAME = \"" + d.name() + "\";", "");
            return objects.write(new ObjectWriter.Spec(d, j, "The data of QMP event {@code " + d.name() + "}.",
                    boxed != null ? List.of() : merged.members(d), boxed, null, List.of(), List.of("QapiObject"), body));
        }
        List<String> implemented = new ArrayList<>(List.of("QapiObject"));
        for (String u : branchOf.getOrDefault(d.name(), Set.of())) {
            implemented.add(names.type(u) + ".Branch");
        }
        if (n instanceof Model.Union u) {
            return objects.write(new ObjectWriter.Spec(d, j, "QAPI union {@code " + d.name() + "}: its own members, and those of the branch"
                    + " that {@code " + u.discriminator() + "} selects.", merged.members(d), null, u.discriminator(), merged.values(d),
                    implemented, List.of()));
        }
        return objects.write(new ObjectWriter.Spec(d, j, "QAPI struct {@code " + d.name() + "}.", merged.members(d), null, null,
                List.of(), implemented, List.of()));
    }

    private String command(Def d, String j, Model.Command c) {
        TypeRef boxed = c.boxed() ? new TypeRef(c.data(), false) : null;
        String result = c.returns() == null ? "Void" : types.java(c.returns());
        List<String> body = new ArrayList<>(List.of(
                "    /** The command's name. */",
                "    public static final String NAME = \"" + d.name() + "\";",
                "",
                "    @Override",
                "    public String commandName() {",
                "        return NAME;",
                "    }",
                "",
                "    @Override",
                "    public Type resultType() {",
                "        return " + types.resultType(c.returns()) + ";",
                "    }",
                "",
                "    /** @return the reader of the result: generated code, no reflection */",
                "    @Override",
                "    public Function<JsonNode, " + result + "> resultDecoder() {",
                "        return " + (c.returns() == null ? "json -> null" : types.decoder(c.returns())) + ";",
                "    }",
                ""));
        if (d.name().equals("quit")) {
            // QEMU may close the socket before its reply to quit is written.
            body.addAll(List.of("    @Override", "    public boolean completesOnDisconnect() {", "        return true;", "    }", ""));
        }
        if (c.allowOob()) {
            body.addAll(List.of("    @Override", "    public boolean allowOob() {", "        return true;", "    }", ""));
        }
        body.addAll(List.of(
                "    /** @return the arguments as QEMU reads them; {@code null} when there are none */",
                "    @Override",
                "    public Object arguments() {",
                "        ObjectNode json = toJson();",
                "        return json.isEmpty() ? null : json;",
                "    }",
                ""));
        String returns = c.returns() == null ? "nothing" : "{@code " + c.returns() + "}";
        return objects.write(new ObjectWriter.Spec(d, j, "QMP command {@code " + d.name() + "}: its arguments; it returns " + returns + ".",
                boxed != null ? List.of() : merged.members(d), boxed, null, List.of(),
                List.of("QmpCommand<" + result + ">", "QapiObject"), body));
    }
}
