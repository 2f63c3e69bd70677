package io.qmp4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationLimits;
import io.qmp4j.migration.MigrationResult;
import java.io.PrintWriter;

/** A migration's result as {@code migrate} (and {@code evacuate}, {@code domjobinfo}) print it: lines, or one JSON object. */
final class MigrationReport {

    private MigrationReport() {
    }

    static void printCompleted(PrintWriter out, MigrationResult r) {
        out.printf("Migration completed: total %d ms, downtime %d ms, setup %d ms, %d bytes in %d passes%n",
                r.totalTime().toMillis(), r.downtime().toMillis(), r.setupTime().toMillis(), r.transferredBytes(), r.passes());
        MigrationLimits l = r.limits();
        if (l.bandwidthOrigin() != MigrationLimits.Origin.UNKNOWN) {
            out.printf("  limits: bandwidth %d MiB/s (%s), downtime %d ms (%s)%n", l.bandwidth() >> 20, origin(l.bandwidthOrigin()),
                    l.downtimeLimitMillis(), origin(l.downtimeOrigin()));
        }
        r.guestPause().filter(p -> p.minus(r.downtime()).toMillis() > 500).ifPresent(p -> out.printf(
                "  the guest was paused for %.1f s%s (QEMU's own downtime: %d ms)%n", p.toMillis() / 1000.0,
                r.timeoutActionTaken() ? " after the timeout's suspend action" : "", r.downtime().toMillis()));
        r.disks().forEach(k -> out.printf("  disk %s: %d MiB copied in %d ms (%s -> %s)%n", k.disk(), k.copiedBytes() >> 20,
                k.elapsed().toMillis(), k.sourceFile(), k.destinationFile()));
        r.postcopy().ifPresent(p -> out.printf("  post-copy after %d ms of pre-copy: %d pages requested by the destination, %d MiB"
                + " sent in post-copy, %d link recoveries (%d ms paused)%n", p.precopyTime().toMillis(), p.requests(), p.bytes() >> 20,
                p.recoveries(), p.pausedTime().toMillis()));
    }

    private static String origin(MigrationLimits.Origin o) {
        return switch (o) {
            case OPTION -> "this command's option";
            case SOURCE_SETTING -> "the source's own setting";
            case DEFAULT_LIFTED -> "QEMU's built-in default lifted, as libvirt does";
            case UNKNOWN -> "unknown";
        };
    }

    static ObjectNode toJson(MigrationResult r) {
        ObjectNode o = Common.JSON.createObjectNode();
        o.put("job", r.job());
        o.put("status", r.outcome().name().toLowerCase());
        r.failure().ifPresent(f -> o.put("failure", f.name().toLowerCase().replace('_', '-')));
        o.put("total-time-ms", r.totalTime().toMillis());
        o.put("downtime-ms", r.downtime().toMillis());
        r.guestPause().ifPresent(p -> o.put("guest-pause-ms", p.toMillis()));
        o.put("setup-time-ms", r.setupTime().toMillis());
        o.put("transferred-bytes", r.transferredBytes());
        o.put("passes", r.passes());
        o.put("timeout-action-taken", r.timeoutActionTaken());
        o.put("bandwidth", r.limits().bandwidth());
        o.put("bandwidth-from", r.limits().bandwidthOrigin().name().toLowerCase().replace('_', '-'));
        o.put("downtime-limit-ms", r.limits().downtimeLimitMillis());
        o.put("downtime-limit-from", r.limits().downtimeOrigin().name().toLowerCase().replace('_', '-'));
        o.set("capabilities", Common.JSON.valueToTree(r.capabilities()));
        o.set("parameters", Common.JSON.valueToTree(r.parameters()));
        o.set("rolled-back", Common.JSON.valueToTree(r.rolledBack()));
        o.set("not-undone", Common.JSON.valueToTree(r.notUndone()));
        var disks = o.putArray("disks");
        r.disks().forEach(d -> disks.addObject().put("disk", d.disk()).put("source", d.sourceFile())
                .put("destination", d.destinationFile()).put("copied-bytes", d.copiedBytes()).put("time-ms", d.elapsed().toMillis())
                .put("write-blocking", d.writeBlocking()));
        r.postcopy().ifPresent(p -> o.putObject("postcopy").put("precopy-time-ms", p.precopyTime().toMillis())
                .put("requests", p.requests()).put("bytes", p.bytes()).put("recoveries", p.recoveries())
                .put("paused-ms", p.pausedTime().toMillis()));
        o.set("reconnects", Common.JSON.valueToTree(r.reconnects()));
        r.errorClass().ifPresent(c -> o.put("error-class", c));
        r.errorMessage().ifPresent(m -> o.put("error", m));
        return o;
    }
}
