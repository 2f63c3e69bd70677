package io.qmp4j.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The SDK uses only qmp-core's public API: no import of io.qmp4j.core.internal. */
class ApiBoundaryTest {

    @Test
    void noSdkSourceImportsCoreInternals() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readString(f).contains("io.qmp4j.core.internal");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).collect(Collectors.toList());
        }
        assertEquals(List.of(), offenders);
    }
}
