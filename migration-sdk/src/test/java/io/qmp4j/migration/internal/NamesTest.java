package io.qmp4j.migration.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void whatQmp4jNamedIsTellableFromAUsersOwnQmp4jPrefixedName() {
        Names n = new Names("0badcafe");
        for (String ours : new String[] {n.tls(), n.authz(), n.secret(), n.mirror(0), n.mirror(12),
                "qmp4j-tls", "qmp4j-mirror-0"}) {
            assertTrue(Names.isOurs(ours), ours);
        }
        for (String theirs : new String[] {"qmp4j-monitor-tls", "qmp4j-", "qmp4j-0badcafe", n.record() /* records are found apart */, "disk0", "my-qmp4j-tls", null}) {
            assertFalse(Names.isOurs(theirs), String.valueOf(theirs));
        }
    }
}
