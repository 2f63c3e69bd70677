package io.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.QmpEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Raw QMP: one command, or a stream of events. */
final class RawCommands {

    private RawCommands() {
    }

    @Command(name = "qmp", description = "Send one raw QMP command and print the reply: qmp4j qmp --qmp EP '{\"execute\":\"query-status\"}'")
    static final class Qmp implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "JSON", description = "{\"execute\": NAME, \"arguments\": {...}}")
        String command;

        @Override
        public Integer call() throws Exception {
            JsonNode cmd;
            try {
                cmd = Common.JSON.readTree(command);
            } catch (Exception e) {
                throw new IllegalArgumentException("not JSON: " + command);
            }
            if (cmd == null || !cmd.isObject() || !cmd.path("execute").isTextual()) {
                throw new IllegalArgumentException("expected {\"execute\": NAME, \"arguments\": {...}}");
            }
            JsonNode args = cmd.get("arguments");
            if (args != null && !args.isObject()) {
                throw new IllegalArgumentException("\"arguments\" must be an object");
            }
            try (Common.Session s = new Common.Session(monitor)) {
                JsonNode r = Common.get(s.client.executeRaw(cmd.get("execute").asText(), (ObjectNode) args));
                spec.commandLine().getOut().println(Common.JSON.writeValueAsString(r));
                return 0;
            }
        }
    }

    @Command(name = "events", description = "Print events as they come, one JSON object per line.")
    static final class Events implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--filter", paramLabel = "NAME", description = "only these events (repeatable)")
        List<String> names;
        @Option(names = "--count", paramLabel = "N", description = "stop after N events")
        Integer count;
        @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this long")
        Integer duration;

        @Override
        public Integer call() throws Exception {
            try (Common.Session s = new Common.Session(monitor);
                 EventSubscription sub = s.client.events().subscribe(names == null ? Set.of() : Set.copyOf(names))) {
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
                int seen = 0;
                var out = spec.commandLine().getOut();
                while ((count == null || seen < count) && System.nanoTime() < deadline) {
                    QmpEvent e;
                    try {
                        e = sub.next(Duration.ofMillis(200)).get();
                    } catch (java.util.concurrent.ExecutionException ex) {
                        if (ex.getCause() instanceof io.qmp4j.core.QmpTimeoutException) {
                            continue;
                        }
                        throw ex;
                    }
                    ObjectNode o = Common.JSON.createObjectNode().put("event", e.name()).put("timestamp", e.timestamp().toString());
                    o.set("data", e.data());
                    out.println(o.toString());
                    out.flush();
                    seen++;
                }
                return 0;
            }
        }
    }
}
