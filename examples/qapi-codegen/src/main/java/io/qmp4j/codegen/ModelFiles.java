package io.qmp4j.codegen;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The committed models: {@code model/qemu-VERSION.json}, one definition per line, so that a refresh reads as a diff. */
final class ModelFiles {

    private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private ModelFiles() {
    }

    static String text(Model.Schema s) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("{\"qemu\": ").append(JSON.writeValueAsString(s.qemu())).append(", \"source\": ")
                .append(JSON.writeValueAsString(s.source())).append(", \"upstream\": ")
                .append(JSON.writeValueAsString(s.upstream())).append(", \"definitions\": [\n");
        for (int i = 0; i < s.definitions().size(); i++) {
            b.append(JSON.writerFor(Model.Definition.class).writeValueAsString(s.definitions().get(i)));
            b.append(i + 1 < s.definitions().size() ? ",\n" : "\n");
        }
        return b.append("]}\n").toString();
    }

    static void write(Model.Schema s, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text(s));
    }

    static Model.Schema read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        List<Model.Definition> defs = new ArrayList<>();
        for (JsonNode d : root.get("definitions")) {
            defs.add(JSON.treeToValue(d, Model.Definition.class));
        }
        return new Model.Schema(root.get("qemu").asText(), root.get("source").asText(), root.get("upstream").asText(),
                List.copyOf(defs));
    }

    /** @return every model in the directory, oldest QEMU first */
    static List<Model.Schema> readAll(Path dir) throws IOException {
        List<Model.Schema> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("qemu-.*\\.json")).toList()) {
                all.add(read(f));
            }
        }
        all.sort((a, b) -> Versions.compare(a.qemu(), b.qemu()));
        return all;
    }
}
