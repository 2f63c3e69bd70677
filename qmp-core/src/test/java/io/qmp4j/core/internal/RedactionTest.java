package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.command.QomObjects;
import org.junit.jupiter.api.Test;

/** No secret reaches the wire log. */
class RedactionTest {

    @Test
    void secretObjectDataIsHidden() throws Exception {
        String cmd = Json.MAPPER.writeValueAsString(new java.util.LinkedHashMap<>(java.util.Map.of("execute", "object-add",
                "arguments", QomObjects.secretBase64("pw0", "c2VjcmV0LXBhc3N3b3Jk").arguments())));
        assertTrue(cmd.contains("c2VjcmV0LXBhc3N3b3Jk"));
        String r = Redaction.redact(cmd);
        assertFalse(r.contains("c2VjcmV0LXBhc3N3b3Jk"), r);
        assertTrue(r.contains("\"data\":\"<redacted>\"") && r.contains("\"id\":\"pw0\""), r);
    }

    @Test
    void hmpObjectAddAndPasswordsAreHiddenAndTheRestIsUntouched() {
        assertEquals("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"object_add secret,id=s,data=<redacted>,"
                + "format=raw\"},\"id\":3}", Redaction.redact("{\"execute\":\"human-monitor-command\",\"arguments\":"
                + "{\"command-line\":\"object_add secret,id=s,data=hunter2,format=raw\"},\"id\":3}"));
        assertEquals("{\"execute\":\"change-vnc-password\",\"arguments\":{\"password\":\"<redacted>\"},\"id\":4}",
                Redaction.redact("{\"execute\":\"change-vnc-password\",\"arguments\":{\"password\":\"s3cr\\\"et\"},\"id\":4}"));
        String plain = "{\"execute\":\"migrate-set-parameters\",\"arguments\":{\"tls-creds\":\"tls0\"},\"id\":5}";
        assertEquals(plain, Redaction.redact(plain));
    }
}
