package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.qapi.MigrationCapabilityStatus;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryMigrateCapabilities;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.core.schema.QmpSchema;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.check.DiskSelection;
import io.qmp4j.migration.check.PreflightCheck;
import io.qmp4j.migration.check.PreflightContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that can refuse a job, run before its first change to either QEMU: the plan's
 * checks (unless unsafe), then, always, the guard against a second job on the same VM, the
 * leftovers of an earlier one, the disk selection, and the derived settings checked against both
 * QEMUs' own schemas.
 */
final class Preflight {

    /** What the checks found, and the settings the job will make. */
    record Outcome(List<String> problems, Settings settings, List<DiskSelection.Pair> disks) {
    }

    private final JobContext ctx;
    private final Qmp qmp;

    Preflight(JobContext ctx) {
        this.ctx = ctx;
        this.qmp = ctx.qmp;
    }

    Outcome run() throws Failure {
        List<String> problems = new ArrayList<>();
        PreflightContext pc = new PreflightContext(qmp.client(Side.SOURCE), qmp.client(Side.DESTINATION), ctx.plan.storage(),
                ctx.plan.uri(), ctx.plan.tls(), qmp.step());
        if (!ctx.plan.unsafe()) {
            for (PreflightCheck c : ctx.plan.checks()) {
                try {
                    problems.addAll(c.check(pc));
                } catch (Exception e) {
                    problems.add(c.name() + ": could not check: " + e.getMessage());
                }
            }
        }
        problems.addAll(guard());
        if (ctx.pinning != null) {
            problems.addAll(CpuPinning.problems(ctx, ctx.plan.cpuIsolation().orElseThrow()));
        }
        List<DiskSelection.Pair> disks = List.of();
        if (ctx.plan.storage() instanceof Storage.Copy copy) {
            try {
                DiskSelection sel = DiskSelection.resolve(pc, copy);
                problems.addAll(sel.problems());
                disks = sel.copied();
            } catch (Exception e) {
                problems.add("storage: could not list the disks: " + e.getMessage());
            }
        }
        ctx.sourceWasRunning = qmp.runState(Side.SOURCE) == RunState.RUNNING;
        Settings s = Settings.derive(ctx.plan, ctx.names, caps(Side.SOURCE), caps(Side.DESTINATION),
                qmp.raw(Side.SOURCE, "query-migrate-parameters", null), qmp.raw(Side.DESTINATION, "query-migrate-parameters", null));
        problems.addAll(s.problems());
        problems.addAll(schemaProblems(Side.SOURCE, s.sourceCapabilities(), s.sourceParameters()));
        problems.addAll(schemaProblems(Side.DESTINATION, s.destinationCapabilities(), s.destinationParameters()));
        return new Outcome(problems, s, disks);
    }

    /** A source already migrating, an open job record, or what an earlier job left: refused, naming how to end it. */
    List<String> guard() throws Failure {
        List<String> p = new ArrayList<>();
        MigrationInfo m = qmp.call(Side.SOURCE, new QueryMigrate());
        if (Recovery.ACTIVE.contains(Qmp.statusOf(m))) {
            p.add("the source is already migrating (status '" + m.status() + "'), driven by another client or job: end that"
                    + " one first (" + endCommand() + ")");
        }
        for (Side side : Side.values()) {
            try {
                for (JobRecord r : JobStore.read(qmp.client(side), qmp.step())) {
                    p.add("the " + side.label() + " has the open record of job " + r.job() + " (" + Recovery.owner(r) + ", phase "
                            + r.phase() + "): finish or abort it first (" + endCommand() + ")");
                }
                List<String> left = leftovers(side);
                if (!left.isEmpty()) {
                    p.add("the " + side.label() + " holds what an earlier qmp4j job left: " + String.join(", ", left)
                            + ": remove it first (" + endCommand() + ")");
                }
            } catch (Failure f) {
                throw f;
            } catch (Exception e) {
                p.add("could not look for earlier jobs on the " + side.label() + ": " + e.getMessage());
            }
        }
        return p;
    }

    private String endCommand() {
        return "qmp4j domjobabort --source " + qmp.client(Side.SOURCE).endpoint() + " --dest "
                + qmp.client(Side.DESTINATION).endpoint() + ", or Migration.attach(source, destination).abort()";
    }

    /** @return qmp4j's objects, block nodes, jobs and exports on that QEMU */
    private List<String> leftovers(Side side) throws Failure {
        return new Leftovers(qmp).find(side);
    }

    private Map<String, Boolean> caps(Side side) throws Failure {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (MigrationCapabilityStatus c : qmp.call(side, new QueryMigrateCapabilities())) {
            m.put(c.capability().value(), c.state());
        }
        return m;
    }

    /** Checks the commands the job will send with the QEMU's own schema, so that what it cannot take is refused before any change. */
    private List<String> schemaProblems(Side side, Map<String, Boolean> caps, ObjectNode params) {
        QmpSchema schema = qmp.schema(side).orElse(null);
        if (schema == null) {
            return List.of(); // no schema to check with: QEMU answers for itself
        }
        List<String> p = new ArrayList<>();
        ObjectNode capsArgs = JsonNodeFactory.instance.objectNode();
        ArrayNode list = capsArgs.putArray("capabilities");
        caps.forEach((k, v) -> list.addObject().put("capability", k).put("state", v));
        for (String s : schema.check("migrate-set-capabilities", capsArgs)) {
            p.add("the " + side.label() + " QEMU: " + s);
        }
        if (!params.isEmpty()) {
            for (String s : schema.check("migrate-set-parameters", params)) {
                p.add("the " + side.label() + " QEMU: " + s);
            }
        }
        return p;
    }
}
