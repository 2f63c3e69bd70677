package io.qmp4j.cli;

import io.qmp4j.migration.MigrationProgress;
import java.io.PrintWriter;

/** Progress lines of {@code migrate}: one per change, never the same line twice; on a terminal, one line rewritten in place. */
public final class ProgressPrinter {

    private final PrintWriter out;
    private final boolean terminal;
    private final String indent;
    private String last;
    private boolean open;

    ProgressPrinter(PrintWriter out, boolean terminal) {
        this(out, terminal, "");
    }

    /**
     * @param out where to print
     * @param terminal whether to rewrite one line in place
     * @param indent put before each line
     */
    public ProgressPrinter(PrintWriter out, boolean terminal, String indent) {
        this.out = out;
        this.terminal = terminal;
        this.indent = indent;
    }

    /** @param p a progress snapshot: printed when its line differs from the last one */
    public synchronized void print(MigrationProgress p) {
        String line = indent + line(p);
        if (line.equals(last)) {
            return;
        }
        last = line;
        if (terminal) {
            out.print("\r" + String.format("%-100s", line));
            open = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the line being rewritten, before other output. */
    synchronized void end() {
        if (open) {
            out.println();
            out.flush();
            open = false;
        }
    }

    static String line(MigrationProgress p) {
        return switch (p.phase()) {
            case MIGRATING, TIMEOUT_ACTION -> String.format(
                    "%-9s %5.1f %% pass %d  %d MiB/s  remaining %d MiB  dirty %s  expected downtime %s", p.status(), p.percent(), p.pass(),
                    p.throughputBytesPerSecond() >> 20, p.remainingBytes() >> 20,
                    p.dirtyBytesPerSecond() > 0 ? (p.dirtyBytesPerSecond() >> 20) + " MiB/s" : "not yet known",
                    p.expectedDowntime().isZero() ? "not yet known" : p.expectedDowntime().toMillis() + " ms");
            case POSTCOPY -> String.format("post-copy %5.1f %%  %d MiB/s  remaining %d MiB  pages asked for by the destination %d",
                    p.percent(), p.throughputBytesPerSecond() >> 20, p.remainingBytes() >> 20, p.postcopyRequests());
            case STORAGE -> String.format("disks     %5.1f %% %s", p.storagePercent(), String.join("  ", p.disks().stream()
                    .map(d -> String.format("%s %d/%d MiB%s", d.disk(), d.copiedBytes() >> 20, d.totalBytes() >> 20,
                            d.ready() ? " ready" : "")).toList()));
            default -> p.phase().name().toLowerCase().replace('_', ' ');
        };
    }
}
