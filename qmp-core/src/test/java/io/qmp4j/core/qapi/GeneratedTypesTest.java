package io.qmp4j.core.qapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qmp4j.core.QmpJson;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated types on their own: lenient decoding, lossless re-encoding, open enums, unions, alternates, builders. */
class GeneratedTypesTest {

    private static final JsonMapper JSON = new JsonMapper();
    /** Numbers equal by value (QEMU's small integers parse as ints, the encoder writes longs). */
    private static final Comparator<JsonNode> NUMBERS = (a, b) -> a.equals(b) || a.isNumber() && b.isNumber()
            && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void unknownMembersAndMembersOfAnotherTypeAreKeptAndWrittenBack() throws Exception {
        JsonNode sent = json("{'running': true, 'status': 'running', 'singlestep': 'not a boolean', 'future-member': [1, 2]}");
        StatusInfo s = StatusInfo.fromJson(sent);
        assertEquals(true, s.running());
        assertSame(RunState.RUNNING, s.status());
        assertNull(s.singlestep(), "a value that does not fit its member's type is not forced into it");
        assertEquals(List.of("singlestep", "future-member"), List.copyOf(s.extra().keySet()));
        assertEquals(sent, s.toJson());
    }

    @Test
    void enumsAreOpenAValueNoSchemaHasIsKeptAsSent() throws Exception {
        MigrationInfo m = MigrationInfo.fromJson(json("{'status': 'teleporting'}"));
        assertEquals("teleporting", m.status().value());
        assertFalse(m.status().isKnown());
        assertEquals(MigrationStatus.Known.OTHER, m.status().known());
        assertEquals(MigrationStatus.of("teleporting"), m.status());
        assertEquals(json("{'status': 'teleporting'}"), m.toJson());
        assertSame(MigrationStatus.POSTCOPY_ACTIVE, MigrationStatus.of("postcopy-active"));
        assertEquals(MigrationStatus.Known.POSTCOPY_ACTIVE, MigrationStatus.of("postcopy-active").known());
    }

    @Test
    void aUnionDecodesTheBranchItsDiscriminatorSelects() throws Exception {
        JsonNode sent = json("{'driver': 'file', 'node-name': 'disk0', 'filename': '/images/a.qcow2', 'x-new': 1}");
        BlockdevOptions o = BlockdevOptions.fromJson(sent);
        assertSame(BlockdevDriver.FILE, o.driver());
        assertEquals("disk0", o.nodeName());
        BlockdevOptionsFile f = assertInstanceOf(BlockdevOptionsFile.class, o.branch());
        assertEquals("/images/a.qcow2", f.filename());
        assertEquals(json("{'x-new': 1}"), JSON.valueToTree(f.extra()));
        assertEquals(sent, o.toJson());
    }

    @Test
    void aUnionWithADriverNoSchemaHasKeepsItsMembers() throws Exception {
        JsonNode sent = json("{'driver': 'quantum', 'node-name': 'q', 'entangled': true}");
        BlockdevOptions o = BlockdevOptions.fromJson(sent);
        assertNull(o.branch());
        assertEquals("quantum", o.driver().value());
        assertTrue(o.extra().containsKey("entangled"));
        assertEquals(sent, o.toJson());
    }

    @Test
    void anAlternateIsToldApartByItsJsonType() throws Exception {
        assertEquals("node0", BlockdevRef.fromJson(json("'node0'")).reference());
        BlockdevRef def = BlockdevRef.fromJson(json("{'driver': 'null-co', 'node-name': 'n'}"));
        assertEquals("n", def.definition().nodeName());
        BlockdevRef other = BlockdevRef.fromJson(json("42"));
        assertEquals(json("42"), other.other());
        assertEquals(json("42"), other.toJson());
        assertTrue(StrOrNull.fromJson(json("null")).n());
        assertEquals(json("null"), StrOrNull.ofNull().toJson());
        assertThrows(IllegalArgumentException.class, () -> new StrOrNull("a", true, null));
    }

    @Test
    void unsignedSixtyFourBitValuesRoundTripExactly() throws Exception {
        JsonNode sent = json("{'base-memory': 18446744073709551615}");
        MemoryInfo m = MemoryInfo.fromJson(sent);
        assertEquals(-1L, m.baseMemory());
        assertEquals("18446744073709551615", Long.toUnsignedString(m.baseMemory()));
        assertEquals(sent, m.toJson());
    }

    @Test
    void buildersSetWhatTheySetAndNothingElse() throws Exception {
        MigrateSetParametersCommand c = new MigrateSetParametersCommand(MigrateSetParameters.builder().maxBandwidth(100L << 20)
                .downtimeLimit(300).tlsHostname(StrOrNull.s("dst.example")).build());
        assertEquals("migrate-set-parameters", c.commandName());
        JsonNode expected = json("{'max-bandwidth': 104857600, 'downtime-limit': 300, 'tls-hostname': 'dst.example'}");
        assertTrue(expected.equals(NUMBERS, (JsonNode) c.arguments()), "sent: " + c.arguments());
        assertEquals(MigrateSetParameters.builder().downtimeLimit(300).build(),
                MigrateSetParameters.builder().downtimeLimit(300).build().toBuilder().build());
        assertNull(new QueryStatus().arguments(), "no arguments: none sent");
    }

    @Test
    void aMemberEveryVersionRequiresIsRequiredWhenSent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockJobCancel(null, null).arguments());
        assertEquals("block-job-cancel: member 'device' is required", e.getMessage());
    }

    @Test
    void resultTypesDecodeThroughTheClientsMapper() throws Exception {
        QueryCommands c = new QueryCommands();
        assertEquals("java.util.List<io.qmp4j.core.qapi.CommandInfo>", c.resultType().getTypeName());
        List<CommandInfo> infos = QmpJson.read(json("[{'name': 'query-status'}, {'name': 'quit'}]"), c.resultType());
        assertEquals("quit", infos.get(1).name());
        assertEquals(RunState.PAUSED, QmpJson.read(json("'paused'"), RunState.class));
    }

    @Test
    void aGeneratedTypeIsReadByItsOwnDecoderAsJacksonWouldRead() throws Exception {
        JsonNode n = json("{'status': 'running', 'running': true, 'future': [1]}");
        StatusInfo direct = QmpJson.read(n, StatusInfo.class);       // the generated fromJson, found once per type
        assertEquals(StatusInfo.fromJson(n), direct);
        assertEquals(JSON.treeToValue(n, StatusInfo.class), direct); // what the mapper gives through @JsonCreator
        assertEquals(RunState.RUNNING, direct.status());
        assertEquals(json("[1]"), direct.extra().get("future"));
        assertNull(QmpJson.read(json("null"), StatusInfo.class));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QmpJson.read(json("[1]"), StatusInfo.class));
        assertTrue(e.getMessage().contains("StatusInfo"), e.getMessage());
    }

    @Test
    void theVersionsOfEachTypeMemberAndValueAreOnIt() throws Exception {
        assertEquals(List.of("10.0"), Arrays.asList(QueryMigrationthreads.class.getAnnotation(Qapi.class).in()));
        assertEquals(List.of("7.2"), Arrays.asList(StatusInfo.class.getRecordComponents()[2].getAnnotation(Qapi.class).in()));
        assertEquals("singlestep", StatusInfo.class.getRecordComponents()[2].getAnnotation(Qapi.class).name());
        Qapi active = MigrationStatus.class.getField("POSTCOPY_RECOVER_SETUP").getAnnotation(Qapi.class);
        assertEquals(List.of("10.0"), Arrays.asList(active.in()));
        assertEquals(List.of("7.2", "10.0"), QapiIndex.versions());
        assertSame(QueryStatus.class, QapiIndex.commands().get("query-status"));
        assertSame(MigrationPassEvent.class, QapiIndex.events().get("MIGRATION_PASS"));
    }
}
