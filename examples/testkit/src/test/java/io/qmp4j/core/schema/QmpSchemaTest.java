package io.qmp4j.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.testkit.FakeQmpServer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schema checks against QEMU 7.2's real schema, and against an edited copy as a newer QEMU would have. */
class QmpSchemaTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static JsonNode raw;
    private static QmpSchema schema;

    @BeforeAll
    static void load() throws Exception {
        raw = M.readTree(FakeQmpServer.qemu72Schema());
        schema = QmpSchema.parse(raw);
    }

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) M.readTree(json);
    }

    @Test
    void answersWhatThisQemuHas() {
        assertTrue(schema.hasCommand("migrate-set-parameters"));
        assertFalse(schema.hasCommand("migrate-set-parameter"));
        assertTrue(schema.commandTakesArgument("migrate-set-parameters", "compress-level"));
        assertFalse(schema.commandTakesArgument("migrate-set-parameters", "compress-method"), "an openEuler extension");
        assertTrue(schema.argumentEnumValues("migrate-set-capabilities", "capabilities", "capability")
                .containsAll(List.of("xbzrle", "compress", "auto-converge", "multifd", "pause-before-switchover")));
        assertTrue(schema.argumentEnumValues("calc-dirty-rate", "mode").contains("dirty-ring"));
        assertTrue(schema.commandAllowsOob("migrate-pause"));
        assertTrue(schema.commandAllowsOob("migrate-recover"));
        assertFalse(schema.commandAllowsOob("query-status"));
        assertTrue(schema.isDeprecated("nbd-server-add"));
        assertFalse(schema.isDeprecated("block-export-add"));
        assertTrue(schema.hasEvent("MIGRATION"));
        assertTrue(schema.returnType("query-migrate", "ram", "transferred").isPresent());
        assertTrue(schema.typeHasMember(schema.returnType("query-migrate").orElseThrow(), "downtime"));
        // Union variants are followed: blockdev-add's nbd variant has 'export'.
        assertTrue(schema.commandTakesArgument("blockdev-add", "export"));
        assertTrue(schema.eventType("BLOCK_JOB_READY", "device").isPresent());
    }

    @Test
    void acceptsWellFormedCommands() throws Exception {
        assertEquals(List.of(), schema.check("query-status", null));
        assertEquals(List.of(), schema.check("migrate-set-parameters", obj("{\"downtime-limit\": 300, \"max-bandwidth\": 1073741824}")));
        assertEquals(List.of(), schema.check("migrate-set-capabilities",
                obj("{\"capabilities\": [{\"capability\": \"multifd\", \"state\": true}]}")));
        assertEquals(List.of(), schema.check("blockdev-add",
                obj("{\"driver\": \"qcow2\", \"node-name\": \"d0\", \"file\": {\"driver\": \"file\", \"filename\": \"/x.qcow2\"}}")));
        assertEquals(List.of(), schema.check("object-add",
                obj("{\"qom-type\": \"tls-creds-x509\", \"id\": \"tls0\", \"dir\": \"/etc/pki\", \"endpoint\": \"client\", \"verify-peer\": true}")));
    }

    @Test
    void refusesUnknownParameterNamingWhatIsSupported() throws Exception {
        List<String> p = schema.check("migrate-set-parameters", obj("{\"compress-method\": \"zstd\"}"));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("parameter 'compress-method' is not supported by this QEMU; it supports: announce-initial, "), p.get(0));
        assertTrue(p.get(0).contains("compress-level"));
    }

    @Test
    void refusesUnknownCommand() {
        assertEquals(List.of("command 'frobnicate' is not supported by this QEMU"), schema.check("frobnicate", null));
    }

    @Test
    void refusesUnknownEnumValueInsideArrays() throws Exception {
        List<String> p = schema.check("migrate-set-capabilities", obj("{\"capabilities\": [{\"capability\": \"zero-copy\", \"state\": true}]}"));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("value 'zero-copy' of member 'capabilities[0].capability' is not supported by this QEMU; it supports: xbzrle,"),
                p.get(0));
    }

    @Test
    void followsUnionTagsAndNestedObjects() throws Exception {
        List<String> p = schema.check("blockdev-add",
                obj("{\"driver\": \"qcow2\", \"node-name\": \"d0\", \"file\": \"f0\", \"no-such-option\": 1}"));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("parameter 'no-such-option' is not supported"), p.get(0));
        p = schema.check("blockdev-add", obj("{\"driver\": \"nbd\", \"node-name\": \"n0\", \"export\": \"d0\","
                + " \"server\": {\"type\": \"inet\", \"host\": \"127.0.0.1\", \"port\": \"10809\", \"bogus\": 1}}"));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("member 'server.bogus' is not supported"), p.get(0));
        p = schema.check("object-add", obj("{\"qom-type\": \"no-such-object\", \"id\": \"x\"}"));
        assertTrue(p.get(0).startsWith("value 'no-such-object' of parameter 'qom-type' is not supported"), p.toString());
    }

    @Test
    void reportsMissingMandatoryMembers() throws Exception {
        assertEquals(List.of("mandatory parameter 'calc-time' is missing"), schema.check("calc-dirty-rate", obj("{}")));
    }

    @Test
    void adaptsToAQemuWithoutSomeMembers() throws Exception {
        // As QEMU 9.1 does: no compress-* parameters and no 'compress' capability.
        ArrayNode edited = raw.deepCopy();
        String paramsType = schema.command("migrate-set-parameters").orElseThrow().argType();
        String capType = ((SchemaType.Enum) schema.argumentType("migrate-set-capabilities", "capabilities", "capability").orElseThrow()).id();
        for (JsonNode e : edited) {
            if (e.path("name").asText().equals(paramsType)) {
                ArrayNode members = (ArrayNode) e.get("members");
                for (int i = members.size() - 1; i >= 0; i--) {
                    if (members.get(i).path("name").asText().startsWith("compress-")) {
                        members.remove(i);
                    }
                }
            }
            if (e.path("name").asText().equals(capType)) {
                ArrayNode values = (ArrayNode) e.get("values");
                for (int i = values.size() - 1; i >= 0; i--) {
                    if (values.get(i).asText().equals("compress")) {
                        values.remove(i);
                    }
                }
            }
        }
        QmpSchema newer = QmpSchema.parse(edited);
        assertFalse(newer.commandTakesArgument("migrate-set-parameters", "compress-level"));
        assertFalse(newer.argumentEnumValues("migrate-set-capabilities", "capabilities", "capability").contains("compress"));
        assertTrue(newer.check("migrate-set-parameters", obj("{\"compress-level\": 1}")).get(0)
                .startsWith("parameter 'compress-level' is not supported"));
        assertTrue(newer.check("migrate-set-capabilities", obj("{\"capabilities\": [{\"capability\": \"compress\", \"state\": true}]}"))
                .get(0).startsWith("value 'compress' of member"));
        assertEquals(List.of(), newer.check("migrate-set-parameters", obj("{\"multifd-compression\": \"zstd\"}")));
    }
}
