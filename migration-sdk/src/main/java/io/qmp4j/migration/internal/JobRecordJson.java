package io.qmp4j.migration.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A job record's text, written and read member by member: the format Jackson's databinding of
 * {@link JobRecord} gave (the record's components by name, enums by name, unknown members
 * ignored), without its introspection, which cost a short-lived process tens of milliseconds
 * before its first record was written. Another qmp4j process reads what this one writes, so the
 * format is checked against databinding's in the tests.
 */
final class JobRecordJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JobRecordJson() {
    }

    /** The reader's mapper, made on the first read: a job writes its records and never reads them. */
    private static final class Reader {
        static final ObjectMapper TEXT = new ObjectMapper();
    }

    static String write(JobRecord r) {
        ObjectNode o = NODES.objectNode().put("version", r.version()).put("job", r.job())
                .put("role", r.role() == null ? null : r.role().name()).put("pid", r.pid()).put("host", r.host())
                .put("startedMillis", r.startedMillis()).put("peer", r.peer()).put("phase", r.phase())
                .put("resumeDestination", r.resumeDestination()).put("incoming", r.incoming());
        ArrayNode steps = o.putArray("undo");
        for (Undo u : r.undo()) {
            ObjectNode s = steps.addObject().put("side", u.side() == null ? null : u.side().name())
                    .put("action", u.action() == null ? null : u.action().name());
            s.set("args", u.args());
            s.put("what", u.what()).put("onSuccess", u.onSuccess());
        }
        return o.toString();
    }

    /**
     * @throws IllegalArgumentException when the text is not a job record of a format this reads
     */
    static JobRecord read(String text) {
        JsonNode o;
        try {
            o = Reader.TEXT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<Undo> undo = new ArrayList<>();
        for (JsonNode s : o.path("undo")) {
            JsonNode args = s.get("args");
            undo.add(new Undo(side(s.get("side")), action(s.get("action")), args == null || args.isNull() ? null : object(args),
                    text(s.get("what")), s.path("onSuccess").asBoolean(false)));
        }
        return new JobRecord(o.path("version").asInt(0), text(o.get("job")), side(o.get("role")), o.path("pid").asLong(0),
                text(o.get("host")), o.path("startedMillis").asLong(0), text(o.get("peer")), text(o.get("phase")),
                o.path("resumeDestination").asBoolean(false), o.path("incoming").asBoolean(false), undo);
    }

    private static ObjectNode object(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("a step's args are not an object: " + n);
        }
        return (ObjectNode) n;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Side side(JsonNode n) {
        return n == null || n.isNull() ? null : Side.valueOf(n.asText());
    }

    private static Undo.Action action(JsonNode n) {
        return n == null || n.isNull() ? null : Undo.Action.valueOf(n.asText());
    }
}
