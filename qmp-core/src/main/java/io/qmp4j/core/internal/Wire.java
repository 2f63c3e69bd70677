package io.qmp4j.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpProtocolException;
import io.qmp4j.core.event.QmpEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes of QMP messages: a command encoded up to its {@code "id":} (the id and closing brace
 * are written per send), an event read from its JSON object. One per session: it keeps the
 * encoded prefixes of argument-less commands, which are most commands sent in loops.
 */
final class Wire {

    private final ConcurrentHashMap<String, byte[]> noArgPrefixes = new ConcurrentHashMap<>();

    /**
     * @return {@code {"execute":NAME[,"arguments":{...}],"id":} as UTF-8
     * @throws IllegalArgumentException when the arguments cannot be encoded
     */
    byte[] command(String name, ObjectNode args, boolean oob) {
        String key = oob ? "{\"exec-oob\":" : "{\"execute\":";
        if (args == null || args.isEmpty()) {
            byte[] cached = noArgPrefixes.get(oob ? "+" + name : name);
            if (cached != null) {
                return cached;
            }
            byte[] b = (key + quote(name) + ",\"id\":").getBytes(StandardCharsets.UTF_8);
            noArgPrefixes.putIfAbsent(oob ? "+" + name : name, b);
            return b;
        }
        try {
            return (key + quote(name) + ",\"arguments\":" + Json.MAPPER.writeValueAsString(args) + ",\"id\":")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode the arguments of '" + name + "': " + e.getOriginalMessage(), e);
        }
    }

    /** @return the {@code qmp_capabilities} command, with {@code oob} enabled or not */
    static byte[] negotiation(boolean oob, long id) {
        return ("{\"execute\":\"qmp_capabilities\"" + (oob ? ",\"arguments\":{\"enable\":[\"oob\"]}" : "")
                + ",\"id\":" + id + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /** @return the event in {@code obj}, with an empty data object when it has none and QEMU's timestamp */
    static QmpEvent event(String name, ObjectNode obj) {
        JsonNode data = obj.get("data");
        if (data == null || data.isNull()) {
            data = Json.MAPPER.createObjectNode();
        }
        JsonNode ts = obj.get("timestamp");
        Instant when = Instant.EPOCH;
        if (ts != null) {
            long sec = ts.path("seconds").asLong(0);
            long usec = ts.path("microseconds").asLong(0);
            if (sec >= 0 && usec >= 0) {
                when = Instant.ofEpochSecond(sec, usec * 1000);
            }
        }
        return new QmpEvent(name, data, when);
    }

    /**
     * qmp-spec 2.4.2: an error without an id means QEMU could not parse this client's input. There
     * is no telling which command it concerns: the session ends with this.
     */
    static QmpProtocolException unparsedInput(JsonNode error) {
        return new QmpProtocolException("QEMU could not parse input from this client: "
                + error.path("class").asText() + ": " + error.path("desc").asText());
    }

    /** @return the message, cut at 200 characters, for log lines and errors */
    static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
