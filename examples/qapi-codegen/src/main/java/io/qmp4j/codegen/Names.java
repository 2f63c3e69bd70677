package io.qmp4j.codegen;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Java names for QAPI names: types keep theirs, commands become CamelCase, events get {@code Event}. */
final class Names {

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char",
            "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for",
            "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this", "throw",
            "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed",
            "permits");
    /** Simple names the generated code uses unqualified: a QAPI type of one of these names gets a {@code Qapi} prefix. */
    private static final Set<String> TAKEN = Set.of("String", "Object", "Boolean", "Long", "Double", "Integer", "Number", "Void",
            "Class", "Enum", "Record", "Override", "Deprecated", "Error", "Exception", "Iterable", "Math", "System", "Thread",
            "Runtime", "Process", "Module", "Package", "Character", "Byte", "Short", "Float", "List", "Map", "JsonNode",
            "ObjectNode", "JsonCreator", "JsonValue", "Type", "Qapi", "QapiObject", "QapiEnum", "QapiAlternate", "QapiDecoder",
            "QapiEncoder", "QapiTypes", "QmpCommand", "LinkedHashMap", "Collections", "Function", "Known", "Builder", "Branch");

    /**
     * Member names that would clash with the generated records' own components and methods
     * ({@code extra}, a union's {@code branch}, an alternate's {@code other}), {@link Object}'s or
     * {@code QmpCommand}'s. ({@code data}, a boxed record's one component, needs no place here: a
     * boxed record has no members of its own.)
     */
    private static final Set<String> RESERVED = Set.of("extra", "other", "branch", "wait", "notify", "notifyAll", "getClass",
            "hashCode", "toString", "equals", "clone", "finalize", "toJson", "fromJson", "builder", "toBuilder", "commandName",
            "resultType", "arguments", "resultDecoder", "allowOob", "completesOnDisconnect");

    private final Map<String, String> javaNames = new HashMap<>();

    /** Assigns every definition a unique Java class name. */
    Names(Merged m) {
        Set<String> used = new HashSet<>();
        // Types first: they keep their QAPI names; commands and events adapt around them.
        for (Merged.Def d : m.all()) {
            Model.Definition n = d.newest();
            if (!(n instanceof Model.Command) && !(n instanceof Model.Event)) {
                String j = TAKEN.contains(d.name()) ? "Qapi" + d.name() : d.name();
                claim(used, d.name(), j);
            }
        }
        for (Merged.Def d : m.all()) {
            Model.Definition n = d.newest();
            if (n instanceof Model.Command) {
                String j = camel(d.name(), true);
                claim(used, d.name(), used.contains(j) ? j + "Command" : j);
            } else if (n instanceof Model.Event) {
                claim(used, d.name(), camel(d.name().toLowerCase(Locale.ROOT), true) + "Event");
            }
        }
    }

    private void claim(Set<String> used, String qapi, String java) {
        if (!used.add(java)) {
            throw new IllegalStateException("two QAPI definitions would be Java class " + java + " (one is " + qapi + ")");
        }
        javaNames.put(qapi, java);
    }

    String type(String qapiName) {
        String j = javaNames.get(qapiName);
        if (j == null) {
            throw new IllegalArgumentException("no definition named " + qapiName);
        }
        return j;
    }

    /** {@code exit-on-error} → {@code exitOnError}; {@code query-status} → {@code QueryStatus} (upper). */
    static String camel(String qapi, boolean upper) {
        StringBuilder b = new StringBuilder();
        boolean up = upper;
        for (char c : qapi.toCharArray()) {
            if (c == '-' || c == '_' || c == '.' || c == '+') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        if (b.length() == 0 || !Character.isJavaIdentifierStart(b.charAt(0))) {
            b.insert(0, upper ? 'V' : 'v');
        }
        return b.toString();
    }

    /** A record component's name for a member: camelCase, not a keyword, unique among {@code taken}. */
    static String member(String qapi, Set<String> taken) {
        String j = camel(qapi.equals(qapi.toUpperCase(Locale.ROOT)) ? qapi.toLowerCase(Locale.ROOT) : qapi, false);
        if (KEYWORDS.contains(j) || RESERVED.contains(j)) {
            j = j + "_";
        }
        String base = j;
        for (int i = 2; !taken.add(j); i++) {
            j = base + i;
        }
        return j;
    }

    /** An enum constant: {@code postcopy-active} → {@code POSTCOPY_ACTIVE}, {@code monolithicFlat} → {@code MONOLITHIC_FLAT}, {@code 4k} → {@code _4K}. */
    static String constant(String qapi, Set<String> taken) {
        StringBuilder b = new StringBuilder();
        char prev = 0;
        for (char c : qapi.toCharArray()) {
            if (c == '-' || c == '.' || c == '+') {
                c = '_';
            }
            if (Character.isUpperCase(c) && Character.isLowerCase(prev)) {
                b.append('_');
            }
            b.append(Character.toUpperCase(c));
            prev = c;
        }
        String j = Character.isJavaIdentifierStart(b.charAt(0)) ? b.toString() : "_" + b;
        if (j.equals("OTHER")) {
            j = "OTHER_";
        }
        String base = j;
        for (int i = 2; !taken.add(j); i++) {
            j = base + "_" + i;
        }
        return j;
    }

    static String quote(List<String> values) {
        return values.size() == 1 ? "\"" + values.get(0) + "\"" : "{" + String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList()) + "}";
    }
}
