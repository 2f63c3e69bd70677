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

    @Command(name = "qmp", description = "Send one raw QMP command and print the reply: qmp4j qmp --qmp EP '{\"execute\":\"query-status\"}';"
            + " '-' reads the command from standard input, @FILE from a file (for a large command)")
    static final class Qmp implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "JSON|-|@FILE", description = "{\"execute\": NAME, \"arguments\": {...}}, or - (standard input), or @FILE")
        String command;

        @Override
        public Integer call() throws Exception {
            String text = text(command);
            JsonNode cmd;
            try {
                cmd = Common.JSON.readTree(text);
            } catch (Exception e) {
                throw new IllegalArgumentException("not JSON: " + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
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

    /** The command's text: as given, from standard input ({@code -}) or from a file ({@code @FILE}). */
    static String text(String arg) {
        try {
            if (arg.equals("-")) {
                return new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            if (arg.startsWith("@")) {
                return java.nio.file.Files.readString(java.nio.file.Path.of(arg.substring(1)));
            }
            return arg;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the command from " + (arg.equals("-") ? "standard input" : arg.substring(1))
                    + ": " + e.getMessage());
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
