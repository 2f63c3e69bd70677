package io.qmp4j.migration.internal;

import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.core.qapi.MigrationStats;
import io.qmp4j.migration.FailureKind;
import io.qmp4j.migration.MigrationLimits;
import io.qmp4j.migration.MigrationResult;
import io.qmp4j.migration.MigrationResult.Outcome;
import io.qmp4j.migration.PostcopyReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds a job's {@link MigrationResult} from what it did and what QEMU reported. */
final class Results {

    private final JobContext ctx;

    Results(JobContext ctx) {
        this.ctx = ctx;
    }

    MigrationResult refused(List<String> problems) {
        return build(Outcome.REFUSED, Optional.of(FailureKind.REFUSED), null, List.of(), List.of(), Optional.of("PreflightRefused"),
                Optional.of(String.join("; ", problems)));
    }

    MigrationResult completed(MigrationInfo info, Journal.Report finish) {
        return build(Outcome.COMPLETED, Optional.empty(), info, List.of(), finish.failed(), Optional.empty(), Optional.empty());
    }

    MigrationResult failed(Failure f, Optional<MigrationInfo> info, List<String> undone, List<String> notUndone) {
        Outcome o = f.kind().isCancel() ? Outcome.CANCELLED : Outcome.FAILED;
        return build(o, Optional.of(f.kind()), info.orElse(null), undone, notUndone, Optional.of(f.errorClass()),
                Optional.of(f.getMessage() == null ? f.toString() : f.getMessage()));
    }

    private MigrationResult build(Outcome outcome, Optional<FailureKind> kind, MigrationInfo info, List<String> undone,
                                  List<String> notUndone, Optional<String> errorClass, Optional<String> message) {
        Settings s = ctx.settings;
        Map<String, Boolean> caps = new LinkedHashMap<>();
        if (s != null) {
            s.sourceCapabilities().forEach((c, on) -> {
                if (on) {
                    caps.put(c, true);
                }
            });
        }
        MigrationParameters params = s == null ? MigrationParameters.builder().build()
                : MigrationParameters.fromJson(s.sourceParameters());
        MigrationStats ram = info == null ? null : info.ram();
        Duration downtime = Duration.ofMillis(info == null ? 0 : nz(info.downtime()));
        return new MigrationResult(ctx.names.job(), outcome, kind, Duration.ofMillis(info == null ? 0 : nz(info.totalTime())), downtime,
                outcome == Outcome.COMPLETED ? guestPause() : Optional.empty(), Duration.ofMillis(info == null ? 0 : nz(info.setupTime())),
                ram == null ? 0 : nz(ram.transferred()), Math.max(ctx.progress.current().pass(), ram == null ? 0 : nz(ram.dirtySyncCount())),
                params, caps, s == null ? MigrationLimits.UNKNOWN : s.limits(), ctx.timeoutActionTaken, undone, notUndone,
                errorClass, message, ctx.disks(), postcopy(ram), ctx.reconnector.reconnects());
    }

    private Optional<PostcopyReport> postcopy(MigrationStats ram) {
        PostcopyState p = ctx.postcopy;
        if (p == null || !p.hasSwitched()) {
            return Optional.empty();
        }
        return Optional.of(new PostcopyReport(p.precopyTime(), ram == null ? 0 : nz(ram.postcopyRequests()),
                ram == null ? 0 : nz(ram.postcopyBytes()), p.recoveries(), p.pausedTime()));
    }

    /** From the source's last STOP to the destination's RESUME, as the QEMUs stamped them. */
    private Optional<Duration> guestPause() {
        Instant stop = last(ctx.qmp.client(Side.SOURCE).events().history(), "STOP");
        Instant resume = last(ctx.qmp.client(Side.DESTINATION).events().history(), "RESUME");
        if (stop == null || resume == null || resume.isBefore(stop)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(stop, resume));
    }

    private static Instant last(List<QmpEvent> history, String name) {
        Instant t = null;
        for (QmpEvent e : history) {
            if (e.is(name)) {
                t = e.timestamp();
            }
        }
        return t;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
