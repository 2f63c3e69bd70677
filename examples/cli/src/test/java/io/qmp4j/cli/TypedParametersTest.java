package io.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qmp4j.testkit.FakeQmpServer;
import io.qmp4j.testkit.FakeQmpServer.ReceivedCommand;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** migrate-set-parameters types each value from the schema; qmp takes its command from an argument, stdin or a file. */
class TypedParametersTest {

    private FakeQmpServer server;
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    @BeforeEach
    void setUp() {
        server = FakeQmpServer.start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private int run(String... args) {
        CommandLine cl = Qmp4jCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private ReceivedCommand received(String name) throws Exception {
        ReceivedCommand c = server.takeCommand(Duration.ofSeconds(5));
        while (!c.name().equals(name)) {
            c = server.takeCommand(Duration.ofSeconds(5));
        }
        return c;
    }

    @Test
    void valuesAreTypedAsTheSchemaDeclaresThem() throws Exception {
        assertEquals(0, run("migrate-set-parameters", "--qmp", server.endpoint().toString(),
                "tls-hostname=123", "downtime-limit=300", "multifd-compression=zstd"), err.toString());
        JsonNode args = received("migrate-set-parameters").arguments();
        assertTrue(args.get("tls-hostname").isTextual(), "a StrOrNull stays a string: " + args);
        assertEquals(300, args.get("downtime-limit").asLong());
        assertTrue(args.get("downtime-limit").isIntegralNumber());
        assertEquals("zstd", args.get("multifd-compression").asText());
    }

    @Test
    void aRepeatedKeyOrAValueOfTheWrongKindIsRefusedNamingIt() {
        assertEquals(Qmp4jCli.EXIT_USAGE, run("migrate-set-parameters", "--qmp", server.endpoint().toString(),
                "downtime-limit=300", "downtime-limit=400"));
        assertTrue(err.toString().contains("'downtime-limit' is given twice"), err.toString());
        assertEquals(Qmp4jCli.EXIT_USAGE, run("migrate-set-parameters", "--qmp", server.endpoint().toString(),
                "downtime-limit=99999999999999999999"));
        assertTrue(err.toString().contains("downtime-limit takes a whole number between -2^63 and 2^63-1"), err.toString());
        assertEquals(Qmp4jCli.EXIT_USAGE, run("migrate-set-parameters", "--qmp", server.endpoint().toString(),
                "block-incremental=yes"));
        assertTrue(err.toString().contains("block-incremental takes true or false"), err.toString());
    }

    @Test
    void qmpReadsItsCommandFromStdinOrAFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("cmd.json"), "{\"execute\": \"query-name\"}");
        assertEquals(0, run("qmp", "--qmp", server.endpoint().toString(), "@" + f), err.toString());
        assertEquals("query-name", received("query-name").name());
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("{\"execute\": \"query-uuid\"}".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, run("qmp", "--qmp", server.endpoint().toString(), "-"), err.toString());
        } finally {
            System.setIn(stdin);
        }
        assertEquals("query-uuid", received("query-uuid").name());
        assertEquals(Qmp4jCli.EXIT_USAGE, run("qmp", "--qmp", server.endpoint().toString(), "@" + dir.resolve("missing.json")));
        assertTrue(err.toString().contains("cannot read the command from " + dir.resolve("missing.json")), err.toString());
    }
}
