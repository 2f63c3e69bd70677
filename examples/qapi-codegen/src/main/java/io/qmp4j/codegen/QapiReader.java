package io.qmp4j.codegen;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qmp4j.codegen.Model.Definition;
import io.qmp4j.codegen.Model.Member;
import io.qmp4j.codegen.Model.TypeRef;
import io.qmp4j.codegen.Model.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads QEMU's QAPI schema sources ({@code qapi/qapi-schema.json} and what it includes) into a
 * {@link Model.Schema}: the expressions are JSON with single quotes and {@code #} comments; of
 * the documentation comments only each definition's {@code Since:} is kept.
 */
final class QapiReader {

    private static final JsonMapper QAPI = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_YAML_COMMENTS).build();
    private static final Pattern DOC_NAME = Pattern.compile("^#\\s*@([A-Za-z0-9_.-]+):\\s*$");
    private static final Pattern SINCE = Pattern.compile("^#\\s*Since:?\\s*v?([0-9]+(?:\\.[0-9]+)*)", Pattern.CASE_INSENSITIVE);
    private static final Set<String> KINDS = Set.of("struct", "enum", "union", "alternate", "command", "event");

    private final Path root;
    private final List<Definition> definitions = new ArrayList<>();
    private final Set<Path> read = new HashSet<>();

    private QapiReader(Path root) {
        this.root = root;
    }

    /**
     * @param qapiDir a QEMU source tree's {@code qapi} directory
     * @param qemu the version, as the model names it
     * @param source where the sources came from
     * @param upstream the upstream tag they are
     * @return the schema's facts, in source order
     * @throws IOException when a file cannot be read or is not QAPI
     */
    static Model.Schema read(Path qapiDir, String qemu, String source, String upstream) throws IOException {
        QapiReader r = new QapiReader(qapiDir.toAbsolutePath().getParent());
        r.file(qapiDir.toAbsolutePath().resolve("qapi-schema.json"));
        return new Model.Schema(qemu, source, upstream, List.copyOf(r.definitions));
    }

    private void file(Path file) throws IOException {
        if (!read.add(file.normalize())) {
            return;
        }
        String text = Files.readString(file);
        Map<String, String> since = since(text);
        String where = root.relativize(file.normalize()).toString();
        try (JsonParser p = QAPI.createParser(text)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                int line = p.currentTokenLocation().getLineNr();
                JsonNode expr = QAPI.readTree(p);
                if (expr.has("include")) {
                    file(file.resolveSibling(expr.get("include").asText()));
                } else if (!expr.has("pragma")) {
                    definitions.add(definition(expr, where + ":" + line, since));
                }
            }
        } catch (RuntimeException | IOException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }

    /** The {@code Since:} of each documented definition: the version in the doc block before it. */
    static Map<String, String> since(String text) {
        Map<String, String> since = new HashMap<>();
        String name = null;
        boolean inDoc = false;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.equals("##")) {
                inDoc = !inDoc;
                name = null;
                continue;
            }
            if (!inDoc) {
                continue;
            }
            Matcher m;
            if (name == null && (m = DOC_NAME.matcher(l)).matches()) {
                name = m.group(1);
            } else if (name != null && (m = SINCE.matcher(l)).find()) {
                since.putIfAbsent(name, m.group(1));
            }
        }
        return since;
    }

    private static Definition definition(JsonNode e, String at, Map<String, String> since) {
        String kind = null;
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (KINDS.contains(f)) {
                kind = f;
                break;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("an expression of no known kind at " + at + ": " + e);
        }
        String name = e.get(kind).asText();
        String s = since.get(name);
        String cond = condition(e.get("if"));
        List<String> features = features(e.get("features"));
        return switch (kind) {
            case "struct" -> new Model.Struct(name, at, s, cond, features, text(e, "base"), members(e.get("data")));
            case "enum" -> new Model.Enum(name, at, s, cond, features, text(e, "prefix"), values(e.get("data")));
            case "union" -> {
                JsonNode base = e.get("base");
                yield new Model.Union(name, at, s, cond, features, base != null && base.isTextual() ? base.asText() : null,
                        base != null && base.isObject() ? members(base) : List.of(), text(e, "discriminator"), values(e.get("data")));
            }
            case "alternate" -> new Model.Alternate(name, at, s, cond, features, values(e.get("data")));
            case "command" -> {
                JsonNode data = e.get("data");
                yield new Model.Command(name, at, s, cond, features, data != null && data.isTextual() ? data.asText() : null,
                        e.path("boxed").asBoolean(false), data != null && data.isObject() ? members(data) : List.of(),
                        e.has("returns") ? type(e.get("returns")) : null, e.path("allow-oob").asBoolean(false),
                        e.path("gen").asBoolean(true));
            }
            default -> {
                JsonNode data = e.get("data");
                yield new Model.Event(name, at, s, cond, features, data != null && data.isTextual() ? data.asText() : null,
                        e.path("boxed").asBoolean(false), data != null && data.isObject() ? members(data) : List.of());
            }
        };
    }

    private static String text(JsonNode e, String field) {
        JsonNode n = e.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static List<Member> members(JsonNode data) {
        List<Member> out = new ArrayList<>();
        if (data == null) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            String key = m.getKey();
            boolean optional = key.startsWith("*");
            JsonNode v = m.getValue();
            JsonNode t = v.isObject() ? v.get("type") : v;
            out.add(new Member(optional ? key.substring(1) : key, type(t), optional, condition(v.get("if")), features(v.get("features"))));
        }
        return out;
    }

    /** Enum values (a list) or branches and alternatives (an object of name to type). */
    private static List<Value> values(JsonNode data) {
        List<Value> out = new ArrayList<>();
        if (data == null) {
            return out;
        }
        if (data.isArray()) {
            for (JsonNode v : data) {
                out.add(v.isObject() ? new Value(v.get("name").asText(), null, condition(v.get("if")), features(v.get("features")))
                        : new Value(v.asText(), null, null, List.of()));
            }
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            JsonNode v = m.getValue();
            out.add(new Value(m.getKey(), type(v.isObject() ? v.get("type") : v), condition(v.get("if")), features(v.get("features"))));
        }
        return out;
    }

    private static TypeRef type(JsonNode t) {
        if (t.isArray()) {
            return new TypeRef(t.get(0).asText(), true);
        }
        if (!t.isTextual()) {
            throw new IllegalArgumentException("a type reference that is neither a name nor an array: " + t);
        }
        return new TypeRef(t.asText(), false);
    }

    private static List<String> features(JsonNode f) {
        List<String> out = new ArrayList<>();
        if (f != null) {
            for (JsonNode x : f) {
                out.add(x.isObject() ? x.get("name").asText() : x.asText());
            }
        }
        return out;
    }

    /** A condition as text: {@code CONFIG_X}, {@code all(A, B)}, {@code any(A, B)}, {@code not(A)}. */
    static String condition(JsonNode c) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            return c.asText();
        }
        String op = c.fieldNames().next();
        JsonNode arg = c.get(op);
        List<String> parts = new ArrayList<>();
        if (arg.isArray()) {
            arg.forEach(x -> parts.add(condition(x)));
        } else {
            parts.add(condition(arg));
        }
        return op + "(" + String.join(", ", parts) + ")";
    }
}
