package io.qmp4j.cli;

import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.evacuation.Evacuation;
import io.qmp4j.migration.evacuation.VmResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress of an evacuation: on a terminal one line per VM, redrawn in place; otherwise a
 * line when a VM's state changes (never the same line twice).
 */
final class EvacuationScreen implements Evacuation.Listener {

    private final PrintWriter out;
    private final boolean terminal;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private final Map<String, Long> bandwidths = new LinkedHashMap<>();
    private int drawn;

    EvacuationScreen(PrintWriter out, boolean terminal, List<String> names) {
        this.out = out;
        this.terminal = terminal;
        names.forEach(n -> lines.put(n, "waiting"));
    }

    @Override
    public void progress(String vm, MigrationProgress p) {
        update(vm, ProgressPrinter.line(p));
    }

    @Override
    public synchronized void bandwidth(String vm, long bandwidth) {
        bandwidths.put(vm, bandwidth);
        update(vm, lines.get(vm));
    }

    @Override
    public void ended(VmResult r) {
        update(r.name(), r.outcome().name().toLowerCase().replace('_', ' ') + r.error().map(e -> ": " + e).orElse(""));
    }

    private synchronized void update(String vm, String line) {
        Long b = bandwidths.get(vm);
        String text = line + (b != null && b > 0 && !line.startsWith("completed") ? "  [" + (b >> 20) + " MiB/s]" : "");
        String old = lines.put(vm, text);
        if (text.equals(old) && !terminal) {
            return;
        }
        if (!terminal) {
            out.println(vm + ": " + text);
            return;
        }
        StringBuilder s = new StringBuilder();
        if (drawn > 0) {
            s.append("\u001b[").append(drawn).append('A');
        }
        lines.forEach((n, l) -> s.append("\r\u001b[2K").append(n).append(": ").append(l).append('\n'));
        out.print(s);
        out.flush();
        drawn = lines.size();
    }
}
