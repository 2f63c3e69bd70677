package io.qmp4j.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job record's text is the format databinding gave: records written by an earlier qmp4j read, and the other way round. */
class JobRecordJsonTest {

    private static final ObjectMapper DATABIND = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static JobRecord record() {
        return new JobRecord(JobRecord.VERSION, "67d2cc3c", Side.SOURCE, 4242, "host-a", 1796179667000L, "unix:/run/dst.qmp",
                "TRANSFER", true, false, List.of(
                Undo.parameters(Side.SOURCE, JsonNodeFactory.instance.objectNode().put("max-bandwidth", 134217728L)
                        .put("tls-hostname", "")),
                Undo.capabilities(Side.DESTINATION, JsonNodeFactory.instance.objectNode(), "events"),
                Undo.object(Side.SOURCE, "qmp4j-tls-1", "TLS credentials"),
                Undo.nbdServer(), Undo.resume(Side.DESTINATION),
                Undo.affinity(10, 11, "0x1", "live_migration")));
    }

    @Test
    void writesWhatDatabindingWrote() throws Exception {
        JobRecord r = record();
        assertEquals(DATABIND.readTree(DATABIND.writeValueAsString(r)), DATABIND.readTree(JobRecordJson.write(r)));
        JobRecord nulls = new JobRecord(0, "j", null, 0, null, 0, null, null, false, false, List.of());
        assertEquals(DATABIND.readTree(DATABIND.writeValueAsString(nulls)), DATABIND.readTree(JobRecordJson.write(nulls)));
    }

    @Test
    void readsWhatDatabindingWroteAndItself() throws Exception {
        JobRecord r = JobRecordJson.read(JobRecordJson.write(record())); // numbers as read back (an int where one fits)
        assertEquals(r, JobRecordJson.read(DATABIND.writeValueAsString(r)));
        assertEquals(r, JobRecordJson.read(JobRecordJson.write(r)));
        assertEquals(r, DATABIND.readValue(JobRecordJson.write(r), JobRecord.class));
        assertEquals(DATABIND.readTree(DATABIND.writeValueAsString(record())), DATABIND.readTree(JobRecordJson.write(r)));
    }

    @Test
    void ignoresMembersItDoesNotKnowAndRefusesWhatIsNoRecord() {
        JobRecord r = JobRecordJson.read("{\"version\": 2, \"job\": \"j\", \"role\": \"DESTINATION\", \"future\": {\"x\": 1},"
                + " \"undo\": [{\"side\": \"SOURCE\", \"action\": \"OBJECT_DEL\", \"args\": {\"id\": \"o\"}, \"future\": 1}]}");
        assertEquals(Side.DESTINATION, r.role());
        assertEquals("o", r.undo().get(0).id());
        assertThrows(IllegalArgumentException.class, () -> JobRecordJson.read("qmp4j"));
        assertThrows(IllegalArgumentException.class, () -> JobRecordJson.read("[1]"));
        assertThrows(IllegalArgumentException.class, () -> JobRecordJson.read("{\"undo\": [{\"action\": \"EXPLODE\"}]}"));
    }
}
