package io.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the shell makes of a line. */
class ShellCommandTest {

    @Test
    void aBareNameHasNoArguments() {
        ShellCommand.Parsed p = ShellCommand.parse("query-status");
        assertEquals("query-status", p.name());
        assertNull(p.arguments());
    }

    @Test
    void keyValuesBecomeTypedJson() {
        ShellCommand.Parsed p = ShellCommand.parse("migrate-set-parameters downtime-limit=300 tls-creds=tls0 block-incremental=false");
        assertEquals("migrate-set-parameters", p.name());
        assertEquals(300, p.arguments().get("downtime-limit").asInt());
        assertTrue(p.arguments().get("downtime-limit").isNumber());
        assertEquals("tls0", p.arguments().get("tls-creds").asText());
        assertTrue(p.arguments().get("block-incremental").isBoolean());
        assertEquals("unix:/run/m.sock", ShellCommand.parse("migrate uri=unix:/run/m.sock").arguments().get("uri").asText());
    }

    @Test
    void jsonArgumentsAndWholeCommands() {
        assertEquals("/machine", ShellCommand.parse("qom-list {\"path\": \"/machine\"}").arguments().get("path").asText());
        ShellCommand.Parsed p = ShellCommand.parse("{\"execute\": \"qom-list\", \"arguments\": {\"path\": \"/\"}}");
        assertEquals("qom-list", p.name());
        assertEquals("/", p.arguments().get("path").asText());
    }

    @Test
    void badLinesSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellCommand.parse("migrate uri")).getMessage()
                .contains("'uri' is not key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellCommand.parse("{\"exec\": 1}")).getMessage()
                .contains("expected {\"execute\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShellCommand.parse("qom-list {bad")).getMessage()
                .startsWith("not JSON"));
    }

    @Test
    void completionOffersTheSchemasCommandNames() throws Exception {
        var schema = io.qmp4j.core.schema.QmpSchema.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                [{"name": "query-status", "meta-type": "command", "arg-type": "0", "ret-type": "0", "allow-oob": false},
                 {"name": "migrate", "meta-type": "command", "arg-type": "0", "ret-type": "0", "allow-oob": false},
                 {"name": "0", "meta-type": "object", "members": []}]"""));
        assertEquals(java.util.List.of("migrate", "query-status", ".exit"), ShellCommand.completions(schema));
    }
}
