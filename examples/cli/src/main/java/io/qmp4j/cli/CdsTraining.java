package io.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.testkit.FakeQmpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;

/**
 * The launcher's training run for its class-data-sharing archive: qmp4j's commands as a user runs
 * them, against two fake QEMUs inside this process (the test kit's fake QMP server, answering with
 * what QEMU 7.2 answered): a shared-storage migration that completes, one a pre-flight check
 * refuses (each as text and with {@code --json}), a raw command and the usage help. The JVM running it writes the archive as it exits
 * ({@code -XX:ArchiveClassesAtExit}), so the archive holds what a migration loads whichever
 * command the user happens to run first. No QEMU is touched; the schema cache is the one under
 * {@code XDG_CACHE_HOME}, which the launcher points at a directory of its own for this run.
 *
 * <pre>java -XX:ArchiveClassesAtExit=cli.jsa -cp qmp4j-cli-all.jar io.qmp4j.cli.CdsTraining</pre>
 */
final class CdsTraining {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CdsTraining() {
    }

    public static void main(String[] args) {
        train();
        System.exit(0);
    }

    /** @return what the commands printed, standard output and error together */
    static String train() {
        StringWriter sink = new StringWriter();
        for (boolean json : new boolean[] {false, true}) {
            try (Fake src = new Fake("running"); Fake dst = new Fake("inmigrate")) {
                src.to(dst);
                String s = "unix:" + src.server.socketPath();
                String d = "unix:" + dst.server.socketPath();
                String uri = "unix:" + dst.server.socketPath().resolveSibling("migration.sock");
                String[] migrate = json ? new String[] {"migrate", "--source", s, "--dest", d, "--uri", uri, "--live", "--json"}
                        : new String[] {"migrate", "--source", s, "--dest", d, "--uri", uri, "--live"};
                run(sink, migrate);
                run(sink, migrate); // refused: the VM runs on the destination now
                if (!json) {
                    run(sink, "qmp", "--qmp", s, "{\"execute\": \"query-status\"}");
                    run(sink, "migrate", "--help");
                }
            }
        }
        return sink.toString();
    }

    private static void run(StringWriter sink, String... args) {
        CommandLine cl = Qmp4jCli.commandLine(args);
        cl.setOut(new PrintWriter(sink, true));
        cl.setErr(new PrintWriter(sink, true));
        cl.execute(args);
    }

    /** A QEMU for the training: a running VM, or one waiting for its incoming migration; no disks. */
    private static final class Fake implements AutoCloseable {

        private static final ObjectNode REPLIES = replies();

        final FakeQmpServer server = FakeQmpServer.start();
        private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();
        private volatile String runState;
        private volatile String migration;
        private volatile Fake destination;

        Fake(String runState) {
            this.runState = runState;
            reply("query-status", c -> NODES.objectNode().put("status", this.runState).put("singlestep", false)
                    .put("running", this.runState.equals("running")));
            reply("query-migrate", c -> migration == null ? NODES.objectNode()
                    : migration.equals("completed") ? REPLIES.get("query-migrate") : NODES.objectNode().put("status", migration));
            for (String fixed : new String[] {"query-cpus-fast", "query-kvm", "query-memory-size-summary", "query-migrate-capabilities",
                    "query-migrate-parameters", "query-version"}) {
                reply(fixed, c -> REPLIES.get(fixed));
            }
            for (String empty : new String[] {"query-block", "query-named-block-nodes", "query-jobs", "query-block-exports",
                    "query-block-jobs"}) {
                reply(empty, c -> NODES.arrayNode());
            }
            for (String done : new String[] {"migrate-set-capabilities", "migrate-set-parameters", "cont", "stop"}) {
                reply(done, c -> NODES.objectNode());
            }
            reply("qom-get", this::qomGet);
            reply("qom-list", c -> {
                ArrayNode a = NODES.arrayNode();
                objects.forEach((id, o) -> a.addObject().put("name", id).put("type", "child<authz-simple>"));
                return a;
            });
            reply("object-add", c -> {
                objects.put(c.arguments().path("id").asText(), c.arguments().path("identity"));
                return NODES.objectNode();
            });
            reply("object-del", c -> {
                objects.remove(c.arguments().path("id").asText());
                return NODES.objectNode();
            });
            reply("qom-set", c -> {
                objects.put(c.arguments().path("path").asText().replace("/objects/", ""), c.arguments().path("value"));
                return NODES.objectNode();
            });
            reply("migrate-incoming", c -> {
                migration = "setup";
                return NODES.objectNode();
            });
            server.on("migrate", (c, conn) -> {
                conn.reply(c, "{}");
                migration = "active";
                conn.event("MIGRATION", "{\"status\": \"setup\"}");
                conn.event("MIGRATION_PASS", "{\"pass\": 1}");
                conn.event("MIGRATION", "{\"status\": \"active\"}");
                this.runState = "finish-migrate";
                conn.event("STOP", null);
                migration = "completed";
                this.runState = "postmigrate";
                Fake d = destination;
                if (d != null) {
                    d.migration = "completed";
                    d.runState = "running";
                }
                conn.event("MIGRATION", "{\"status\": \"completed\"}");
            });
        }

        void to(Fake d) {
            destination = d;
        }

        private JsonNode qomGet(FakeQmpServer.ReceivedCommand c) {
            String path = c.arguments().path("path").asText();
            if (path.equals("/machine")) {
                return NODES.textNode("pc-q35-7.2-machine");
            }
            if (path.startsWith("/machine/unattached/device")) {
                return NODES.textNode("qemu64-x86_64-cpu");
            }
            return objects.getOrDefault(path.replace("/objects/", ""), NODES.textNode(""));
        }

        private interface Answer {
            JsonNode answer(FakeQmpServer.ReceivedCommand c);
        }

        private void reply(String command, Answer a) {
            server.on(command, (c, conn) -> conn.reply(c, a.answer(c).toString()));
        }

        private static ObjectNode replies() {
            try (InputStream in = CdsTraining.class.getResourceAsStream("training-replies.json")) {
                return (ObjectNode) new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
