package io.qmp4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmp4j.core.qapi.Cont;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.cli.Qmp4jCli;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The qmp4j command-line tool against real QEMU: exit codes and --json output. */
@Timeout(180)
class CliIT extends RealQemuCase {

    private static final ObjectMapper M = new ObjectMapper();
    private VmPair pair;

    @BeforeEach
    void startPair() throws Exception {
        pair = VmPair.start(qemus, resources, 256, 64, 16, b -> b, b -> b);
        VmPair.awaitTicks(pair.src, 1);
    }

    @AfterEach
    void closePair() {
        if (pair != null) {
            pair.close();
        }
    }

    private static Cli.Run run(String... args) {
        return Cli.run(args);
    }

    // The test's own clients hold the first monitors; the CLI uses the second ones.
    private String src() {
        return pair.sourceMonitor2().toString();
    }

    private String dst() {
        return pair.destinationMonitor2().toString();
    }

    @Test
    void parameterCommandsLikeVirsh() throws Exception {
        assertEquals(0, run("migrate-setspeed", "--qmp", src(), "--bandwidth", "256").exit());
        Cli.Run speed = run("migrate-getspeed", "--qmp", src());
        assertEquals("256", speed.out().strip());
        assertEquals(0, run("migrate-setmaxdowntime", "--qmp", src(), "150").exit());
        assertEquals("150", run("migrate-getmaxdowntime", "--qmp", src()).out().strip());
        assertEquals(0, run("migrate-setspeed", "--qmp", src(), "--bandwidth", "64", "--postcopy").exit());
        assertEquals("64", run("migrate-getspeed", "--qmp", src(), "--postcopy").out().strip());
        assertEquals("256", run("migrate-getspeed", "--qmp", src()).out().strip(), "the pre-copy limit is another");
        assertEquals(String.valueOf(32L << 20), run("migrate-compcache", "--qmp", src(), "--size", String.valueOf(32L << 20)).out().strip());
        assertEquals(String.valueOf(32L << 20), run("migrate-compcache", "--qmp", src()).out().strip());
        assertEquals(0, run("migrate-set-parameters", "--qmp", src(), "multifd-channels=3", "cpu-throttle-tailslow=true",
                "tls-hostname=123").exit());
        Cli.Run q = run("query-migrate-parameters", "--qmp", src(), "--json");
        assertEquals(0, q.exit());
        JsonNode p = M.readTree(q.out());
        assertEquals(256L << 20, p.get("max-bandwidth").asLong(), "QEMU's units: bytes/s");
        assertEquals(150, p.get("downtime-limit").asInt());
        assertEquals(3, p.get("multifd-channels").asInt());
        assertTrue(p.get("cpu-throttle-tailslow").asBoolean());
        assertEquals("123", p.get("tls-hostname").asText(), "a StrOrNull: sent as a string, which QEMU takes");
        Cli.Run bad = run("migrate-set-parameters", "--qmp", src(), "compress-method=zstd");
        assertEquals(Qmp4jCli.EXIT_USAGE, bad.exit());
        assertTrue(bad.err().contains("parameter 'compress-method' is not supported by this QEMU"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), "one clear line, no stack trace: " + bad.err());
        assertEquals(0, run("migrate-cancel", "--qmp", src()).exit());
    }

    @Test
    void dirtyRateDomblklistRawAndEvents() throws Exception {
        Cli.Run d = run("dirtyrate", "--qmp", src(), "--json");
        assertEquals(0, d.exit(), d.err());
        JsonNode j = M.readTree(d.out());
        assertTrue(j.get("dirty-rate-mib-per-s").asLong() > 0, d.out());
        assertTrue(j.get("prediction").has("converges"), d.out());
        Cli.Run human = run("dirtyrate", "--qmp", src(), "--bandwidth", "1");
        assertTrue(human.out().contains("Dirty rate:") && human.out().contains("At 1 MiB/s"), human.out());

        Cli.Run blk = run("domblklist", "--qmp", src(), "--details");
        assertEquals(0, blk.exit(), blk.err());
        assertTrue(blk.out().startsWith("Target"), blk.out());

        Cli.Run raw = run("qmp", "--qmp", src(), "{\"execute\": \"query-status\"}");
        assertEquals("running", M.readTree(raw.out()).get("status").asText());
        assertEquals(Qmp4jCli.EXIT_USAGE, run("qmp", "--qmp", src(), "not json").exit());
        Cli.Run unknown = run("qmp", "--qmp", src(), "{\"execute\": \"no-such-command\"}");
        assertEquals(Qmp4jCli.EXIT_FAILED, unknown.exit());
        assertTrue(unknown.err().contains("CommandNotFound"), unknown.err());

        // events: stop the guest through a second client while the CLI listens.
        CompletableFuture<Cli.Run> events = CompletableFuture.supplyAsync(() -> run("events", "--qmp", src(), "--filter", "POWERDOWN",
                "--count", "1", "--duration", "30"));
        // QEMU sends every event to every monitor: the test's client asks for power-downs until the
        // CLI, which needs a moment to start and subscribe, has seen one.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        while (!events.isDone() && System.nanoTime() < until) {
            pair.src.execute(new io.qmp4j.core.qapi.SystemPowerdown()).get(5, TimeUnit.SECONDS);
            Thread.sleep(300);
        }
        Cli.Run ev = events.get(60, TimeUnit.SECONDS);
        assertEquals(0, ev.exit(), ev.err());
        assertTrue(ev.out().contains("\"event\":\"POWERDOWN\""), ev.out());
    }

    @Test
    void migrateWithJsonAndExitCodes() throws Exception {
        Cli.Run r = run("migrate", "--source", src(), "--dest", dst(), "--uri", "unix:" + qemus.dir().resolve("m.sock"),
                "--live", "--max-downtime", "300", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode j = M.readTree(r.out());
        assertEquals("completed", j.get("status").asText());
        assertTrue(j.get("total-time-ms").asLong() > 0 && j.get("transferred-bytes").asLong() > 0, r.out());
        assertEquals(RunState.RUNNING, pair.dst.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status());
        VmPair.awaitTicks(pair.dst, VmPair.status(pair.dst).ticks() + 1);

        // Migrating again from the now-postmigrate source: refused by the pre-flight checks, exit 2, JSON all the same.
        Cli.Run again = run("migrate", "--source", src(), "--dest", dst(), "--uri", "unix:" + qemus.dir().resolve("m2.sock"), "--json");
        assertEquals(Qmp4jCli.EXIT_USAGE, again.exit(), again.out() + again.err());
        JsonNode k = M.readTree(again.out());
        assertEquals("refused", k.get("status").asText());
        assertTrue(k.get("error").asText().contains("postmigrate"), again.out());
    }

    @Test
    void postcopyAfterPrecopyAndMigratePostcopy() throws Exception {
        // No migration runs: migrate-postcopy says so, exit 1.
        Cli.Run none = run("migrate-postcopy", "--qmp", src());
        assertEquals(Qmp4jCli.EXIT_FAILED, none.exit(), none.out() + none.err());
        assertTrue(none.err().contains("no pre-copy migration runs"), none.err());
        // 64 MiB dirtied at 16 MiB/s over 8 MiB/s: pre-copy alone would not converge.
        Cli.Run r = run("migrate", "--source", src(), "--dest", dst(), "--uri", "unix:" + qemus.dir().resolve("pc.sock"),
                "--bandwidth", "8", "--postcopy-after-precopy", "--postcopy-bandwidth", "0", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode j = M.readTree(r.out());
        assertEquals("completed", j.get("status").asText());
        assertTrue(j.get("capabilities").get("postcopy-ram").asBoolean(), r.out());
        assertTrue(j.get("postcopy").get("bytes").asLong() > 0, r.out());
        assertEquals(0, j.get("parameters").get("max-postcopy-bandwidth").asLong(), r.out());
        VmPair.awaitTicks(pair.dst, VmPair.status(pair.dst).ticks() + 1);
    }

    @Test
    void failedMigrationExitsOneWithWhatWasRolledBack() throws Exception {
        CompletableFuture<Cli.Run> f = CompletableFuture.supplyAsync(() -> run("migrate", "--source", src(), "--dest", dst(),
                "--uri", "unix:" + qemus.dir().resolve("m.sock"), "--bandwidth", "8", "--json"));
        Thread.sleep(3000);
        pair.destination.signal("KILL");
        Cli.Run r = f.get(120, TimeUnit.SECONDS);
        assertEquals(Qmp4jCli.EXIT_FAILED, r.exit(), r.out() + r.err());
        JsonNode j = M.readTree(r.out());
        assertEquals("failed", j.get("status").asText());
        assertTrue(j.get("rolled-back").size() > 0, r.out());
        assertTrue(j.has("error-class") && j.has("error"), r.out());
        assertEquals(RunState.RUNNING, pair.src.execute(new QueryStatus()).get(5, TimeUnit.SECONDS).status(), "source runs");
        pair.src.execute(new Cont(), Duration.ofSeconds(5));
    }

    @Test
    void theShellRunsLinesAndCompletesFromTheSchema() throws Exception {
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.qmp4j.cli.Qmp4jCli", "shell", "--qmp", src(), "--history",
                qemus.dir().resolve("history").toString(), "--no-events").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(("query-status\nqom-list path=/machine/peripheral\nno-such-command\nmigrate uri\n"
                    + "{\"execute\": \"query-name\"}\n.exit\n").getBytes());
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("\"status\" : \"running\""), out);
        assertTrue(out.contains("error: CommandNotFound"), out);
        assertTrue(out.contains("error: 'uri' is not key=value"), out);
        assertTrue(java.nio.file.Files.readString(qemus.dir().resolve("history")).contains("query-status"), "history saved");
    }

    @OneQemu("no QEMU in it")
    @Test
    void theBuildMakesABashCompletionScript() throws Exception {
        java.nio.file.Path script = java.nio.file.Path.of("..", "examples", "cli", "target", "qmp4j_completion");
        String text = java.nio.file.Files.readString(script);
        assertTrue(text.contains("domjobabort") && text.contains("--copy-storage-all"), "every command and option");
        Process bash = new ProcessBuilder("bash", "-c", "source " + script + " && complete -p qmp4j").redirectErrorStream(true).start();
        assertTrue(bash.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), new String(bash.getInputStream().readAllBytes()));
    }
}
