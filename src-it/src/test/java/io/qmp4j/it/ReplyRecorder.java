package io.qmp4j.it;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Records real replies of QEMU for the JSON round-trip tests of qmp-core's records: each typed
 * query is also sent raw, and the raw reply is stored by QEMU version and command name. Written
 * to {@code target/recorded-replies-VERSION.json} (e.g. {@code 7.2}, {@code 10.0}), and into the
 * directory in the system property {@code qmp4j.record} when set. qmp-core keeps copies as the
 * test resources {@code io/qmp4j/core/qapi/qemu-VERSION-replies.json} for its JSON round-trip
 * tests.
 */
final class ReplyRecorder {

    private static final ObjectMapper M = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
    /** By QEMU version ("7.2"), then command name. */
    private final Map<String, Map<String, ObjectNode>> replies = new TreeMap<>();

    /** Sends the command raw, records the reply, then runs it typed and returns the typed result. */
    <R> R record(QmpClient client, QmpCommand<R> command) throws Exception {
        Object given = command.arguments();
        ObjectNode args = given == null ? null : M.valueToTree(given);
        JsonNode raw = client.executeRaw(command.commandName(), args == null || args.isEmpty() ? null : args)
                .get(20, TimeUnit.SECONDS);
        ObjectNode entry = M.createObjectNode();
        entry.put("command", command.commandName());
        if (args != null && !args.isEmpty()) {
            entry.set("arguments", args);
        }
        entry.set("return", raw);
        String version = client.greeting().orElseThrow().version().qemu().major() + "."
                + client.greeting().orElseThrow().version().qemu().minor();
        synchronized (replies) {
            replies.computeIfAbsent(version, v -> new TreeMap<>()).put(command.commandName(), entry);
        }
        return client.execute(command).get(20, TimeUnit.SECONDS);
    }

    void write() {
        synchronized (replies) {
            replies.forEach(this::write);
        }
    }

    private void write(String version, Map<String, ObjectNode> byCommand) {
        ArrayNode all = M.createArrayNode();
        byCommand.values().forEach(all::add);
        try {
            Path target = Path.of("target", "recorded-replies-" + version + ".json");
            Files.createDirectories(target.getParent());
            M.writeValue(target.toFile(), all);
            String extra = System.getProperty("qmp4j.record");
            if (extra != null && !extra.isBlank()) {
                M.writeValue(Path.of(extra).resolve("qemu-" + version + "-replies.json").toFile(), all);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
