package io.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The launcher's training run does what it is there for: a migration that completes, one refused, a raw command, the help. */
class CdsTrainingTest {

    @Test
    void migratesIsRefusedSendsARawCommandAndShowsTheHelp() {
        String out = CdsTraining.train();
        assertTrue(out.contains("Migration completed"), out);
        assertTrue(out.contains("migration refused by pre-flight checks"), out);
        assertTrue(out.contains("\"status\""), out);
        assertTrue(out.contains("Usage: qmp4j migrate"), out);
        assertTrue(out.contains("\"status\" : \"completed\""), out); // --json
    }
}
