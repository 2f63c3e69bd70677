package io.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.schema.QmpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * An interactive QMP shell, like QEMU's {@code qmp-shell}: line editing, a history file, and
 * command-name completion from the connected QEMU's schema. Lines are
 * {@code NAME [key=value …]}, {@code NAME {JSON arguments}}, or a whole {@code {"execute": …}}
 * object; events are printed as they come.
 */
@Command(name = "shell", description = "An interactive QMP shell: history, completion of command names from the schema, events"
        + " shown as they come. Lines: NAME [key=value ...] | NAME {json} | {\"execute\": ...}. Ctrl-D or .exit leaves.")
final class ShellCommand implements Callable<Integer> {

    @Mixin
    Common.Monitor monitor;

    @Option(names = "--history", paramLabel = "FILE", description = "history file (default: ~/.qmp4j_history)")
    Path history;

    @Option(names = "--no-events", description = "do not print events")
    boolean noEvents;

    @Override
    public Integer call() throws Exception {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            return run(terminal);
        }
    }

    /** Runs on plain streams (tests, pipes). */
    int run(InputStream in, OutputStream out) throws Exception {
        try (Terminal terminal = TerminalBuilder.builder().system(false).streams(in, out).dumb(true).build()) {
            return run(terminal);
        }
    }

    private int run(Terminal terminal) throws Exception {
        try (Common.Session s = new Common.Session(monitor)) {
            QmpSchema schema = Common.get(s.client.schema());
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("qmp4j")
                    .completer(new StringsCompleter(completions(schema)))
                    .variable(LineReader.HISTORY_FILE, history != null ? history
                            : Path.of(System.getProperty("user.home"), ".qmp4j_history"))
                    .build();
            var w = terminal.writer();
            w.println("connected to " + s.client.endpoint() + ": QEMU " + s.client.greeting().map(g -> g.version().toString())
                    .orElse("?") + "; Tab completes command names, Ctrl-D or .exit leaves");
            w.flush();
            EventSubscription events = null;
            if (!noEvents) {
                events = s.client.events().subscription().names(Set.of())
                        .listener(e -> reader.printAbove("event " + e.name() + " " + e.data())).open();
            }
            try {
                while (true) {
                    String line;
                    try {
                        line = reader.readLine("(QEMU) ");
                    } catch (UserInterruptException e) {
                        continue;
                    } catch (EndOfFileException e) {
                        break;
                    }
                    line = line.strip();
                    if (line.isEmpty()) {
                        continue;
                    }
                    if (line.equals(".exit")) {
                        break;
                    }
                    try {
                        Parsed p = parse(line);
                        JsonNode r = Common.get(s.client.executeRaw(p.name(), p.arguments()));
                        w.println(Common.JSON.writeValueAsString(r));
                    } catch (IllegalArgumentException e) {
                        w.println("error: " + e.getMessage());
                    } catch (QmpCommandException e) {
                        w.println("error: " + e.errorClass() + ": " + e.getMessage());
                    } catch (QmpException e) {
                        w.println("error: " + e.getMessage());
                        if (!s.client.state().equals(io.qmp4j.core.QmpState.RUNNING)) {
                            w.flush();
                            return Qmp4jCli.EXIT_FAILED;
                        }
                    }
                    w.flush();
                }
            } finally {
                if (events != null) {
                    events.close();
                }
                reader.getHistory().save();
            }
            return 0;
        }
    }

    /** The command names, for completion. */
    static List<String> completions(QmpSchema schema) {
        List<String> names = new ArrayList<>(new TreeSet<>(schema.commandNames()));
        names.add(".exit");
        return names;
    }

    /** A parsed line. */
    record Parsed(String name, ObjectNode arguments) {
    }

    /**
     * @param line {@code NAME}, {@code NAME key=value …} (numbers, true/false and JSON values
     *             as such, the rest as strings), {@code NAME {json}}, or {@code {"execute": …}}
     * @return the command
     */
    static Parsed parse(String line) {
        try {
            if (line.startsWith("{")) {
                JsonNode n = Common.JSON.readTree(line);
                if (!n.path("execute").isTextual()) {
                    throw new IllegalArgumentException("expected {\"execute\": NAME, \"arguments\": {...}}");
                }
                JsonNode a = n.get("arguments");
                if (a != null && !a.isObject()) {
                    throw new IllegalArgumentException("\"arguments\" must be an object");
                }
                return new Parsed(n.get("execute").asText(), (ObjectNode) a);
            }
            int space = line.indexOf(' ');
            if (space < 0) {
                return new Parsed(line, null);
            }
            String name = line.substring(0, space);
            String rest = line.substring(space + 1).strip();
            if (rest.startsWith("{")) {
                JsonNode a = Common.JSON.readTree(rest);
                if (!a.isObject()) {
                    throw new IllegalArgumentException("arguments must be a JSON object");
                }
                return new Parsed(name, (ObjectNode) a);
            }
            ObjectNode args = Common.JSON.createObjectNode();
            for (String kv : rest.split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + kv + "' is not key=value");
                }
                String v = kv.substring(eq + 1);
                JsonNode value;
                try {
                    value = Common.JSON.readTree(v);
                    if (value == null || value.isMissingNode()) {
                        value = Common.JSON.getNodeFactory().textNode(v);
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                    value = Common.JSON.getNodeFactory().textNode(v);
                }
                args.set(kv.substring(0, eq), value);
            }
            return new Parsed(name, args);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }
}
