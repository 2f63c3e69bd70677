package io.qmp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every subcommand answers --help with its usage and exit 0, even those with required options. */
class HelpTest {

    @Test
    void everySubcommandHasHelp() {
        for (String name : Qmp4jCli.commandLine().getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            CommandLine cl = Qmp4jCli.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(new StringWriter()));
            assertEquals(0, cl.execute(name, "--help"), name + " --help");
            assertTrue(out.toString().contains("Usage: qmp4j " + name), name + ": " + out);
        }
    }

    @Test
    void verboseAddsTheStackTrace() {
        StringWriter err = new StringWriter();
        CommandLine cl = Qmp4jCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("migrate-getspeed", "--qmp", "unix:/nonexistent/qmp.sock", "--connect-timeout", "1", "--verbose");
        assertEquals(Qmp4jCli.EXIT_FAILED, exit);
        assertTrue(err.toString().contains("\tat "), "a stack trace: " + err);
    }
}
