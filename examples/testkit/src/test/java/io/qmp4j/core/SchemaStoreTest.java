package io.qmp4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.testkit.FakeQmpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schemas kept on disk ({@code QmpResources.Builder.schemaDirectory}): a later process (here:
 * new resources) reads the schema instead of fetching it; what it cannot trust or read, it
 * fetches.
 */
@Timeout(20)
class SchemaStoreTest {

    private FakeQmpServer server;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() {
        server = FakeQmpServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs one typed command on fresh resources, as a new process would; returns the commands QEMU got. */
    private List<String> typedCommandWith(QmpResources.Builder b) throws Exception {
        int before = server.receivedCommands().size();
        try (QmpResources resources = b.build();
             QmpClient c = QmpClient.builder().endpoint(server.endpoint()).resources(resources).build()) {
            c.connect().get(5, TimeUnit.SECONDS);
            c.execute(new QueryStatus()).get(5, TimeUnit.SECONDS);
        }
        List<FakeQmpServer.ReceivedCommand> all = server.receivedCommands();
        return all.subList(before, all.size()).stream().map(FakeQmpServer.ReceivedCommand::name).toList();
    }

    @Test
    void aKeptSchemaIsReadInsteadOfFetched() throws Exception {
        Path dir = tmp.resolve("schemas");
        assertEquals(List.of("qmp_capabilities", "query-target", "query-qmp-schema", "query-status"),
                typedCommandWith(QmpResources.builder().schemaDirectory(dir)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> kept = files.toList();
            assertEquals(1, kept.size(), kept.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.get(0))));
        }
        assertEquals(List.of("qmp_capabilities", "query-target", "query-status"),
                typedCommandWith(QmpResources.builder().schemaDirectory(dir)), "the next process reads it");
        assertEquals(List.of("qmp_capabilities", "query-target", "query-qmp-schema", "query-status"),
                typedCommandWith(QmpResources.builder()), "without the directory: fetched");
    }

    @Test
    void whatCannotBeTrustedOrReadIsFetched() throws Exception {
        Path dir = tmp.resolve("schemas");
        typedCommandWith(QmpResources.builder().schemaDirectory(dir));
        Path kept;
        try (Stream<Path> files = Files.list(dir)) {
            kept = files.findFirst().orElseThrow();
        }
        Files.writeString(kept, "{\"key\": \"7.2.22|x|x86_64\", \"schema\": [");
        assertEquals(List.of("qmp_capabilities", "query-target", "query-qmp-schema", "query-status"),
                typedCommandWith(QmpResources.builder().schemaDirectory(dir)), "a truncated file: fetched, and kept again");
        assertEquals(List.of("qmp_capabilities", "query-target", "query-status"),
                typedCommandWith(QmpResources.builder().schemaDirectory(dir)));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(List.of("qmp_capabilities", "query-target", "query-qmp-schema", "query-status"),
                typedCommandWith(QmpResources.builder().schemaDirectory(dir)), "a directory others may write: not used");
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        assertEquals(List.of("qmp_capabilities", "query-target", "query-qmp-schema", "query-status"),
                typedCommandWith(QmpResources.builder().schemaDirectory(file)), "not a directory: not used");
        assertTrue(Files.size(file) == 0);
    }
}
