package io.qmp4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpResources;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.evacuation.Evacuation;
import io.qmp4j.migration.evacuation.EvacuationHandle;
import io.qmp4j.migration.evacuation.EvacuationOrder;
import io.qmp4j.migration.evacuation.EvacuationResult;
import io.qmp4j.migration.evacuation.VmResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Many migrations at once (a host evacuation): at most N at a time, under one bandwidth budget. */
@Command(name = "evacuate", description = "Live-migrate many VMs at once: at most --max-parallel at a time, sharing"
        + " --bandwidth-total among the running ones, the VMs that converge easily first.")
final class EvacuateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--jobs", required = true, paramLabel = "FILE", description = "a JSON array of objects with source, dest and"
            + " uri, an optional name, and any migrate option by its long name (\"copy-storage-all\": true, \"tls-dir\": \"DIR\","
            + " \"qmp-tls-dir\": \"DIR\" for tls: monitors)")
    Path jobs;

    @Option(names = "--max-parallel", paramLabel = "N", defaultValue = "1", description = "migrations at once (default: ${DEFAULT-VALUE})")
    int maxParallel;

    @Option(names = "--max-parallel-per-source", paramLabel = "N", description = "migrations at once from one source host (default: --max-parallel)")
    Integer maxParallelPerSource;

    @Option(names = "--bandwidth-total", paramLabel = "MiB/s", description = "the bandwidth all running migrations share,"
            + " re-balanced as they start and end (default: each keeps its own limit)")
    Long bandwidthTotal;

    @Option(names = "--order", paramLabel = "ORDER", defaultValue = "easiest-first",
            description = "easiest-first (the least dirtying guests first, by a 1 s measurement) or as-given (default: ${DEFAULT-VALUE})")
    String order;

    @Option(names = "--stop-on-failure", description = "a failed VM cancels the running migrations and starts no more")
    boolean stopOnFailure;

    @Option(names = "--json", description = "print one JSON object: results (in the file's order, each as migrate --json, with"
            + " name and outcome) and summary")
    boolean json;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        List<EvacuationJobs.Job> list = EvacuationJobs.read(jobs);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Common.Session> sessions = new ArrayList<>();
        try (QmpResources resources = Common.resources()) {
            try {
                Evacuation e = evacuation(list, resources, sessions, out);
                EvacuationHandle h = e.start();
                EvacuationResult r;
                try (Interrupts signals = new Interrupts(n -> {
                    err.println("qmp4j evacuate: interrupted: cancelling every running migration and undoing its changes");
                    err.flush();
                    h.cancel();
                })) {
                    r = h.completion().get(7, TimeUnit.DAYS);
                    print(r, out);
                    if (signals.interrupted()) {
                        return signals.exitCode();
                    }
                }
                return r.allCompleted() ? 0 : Qmp4jCli.EXIT_FAILED;
            } finally {
                sessions.forEach(Common.Session::close);
            }
        }
    }

    private Evacuation evacuation(List<EvacuationJobs.Job> list, QmpResources resources, List<Common.Session> sessions,
                                  PrintWriter out) throws Exception {
        Evacuation.Builder e = Evacuation.builder().maxParallel(maxParallel).stopOnFailure(stopOnFailure)
                .order(switch (order) {
                    case "easiest-first" -> EvacuationOrder.EASIEST_FIRST;
                    case "as-given" -> EvacuationOrder.AS_GIVEN;
                    default -> throw new IllegalArgumentException("--order " + order + ": expected easiest-first or as-given");
                });
        if (maxParallelPerSource != null) {
            e.maxParallelPerSource(maxParallelPerSource);
        }
        if (bandwidthTotal != null) {
            e.totalBandwidthMiBps(bandwidthTotal);
        }
        for (EvacuationJobs.Job j : list) {
            MigrateCommand m = j.options();
            Migration.Builder b = m.configure(Migration.builder());
            Common.Session s = new Common.Session(m.options.source, 10, m.options.qmpTlsDir, resources);
            sessions.add(s);
            Common.Session d = new Common.Session(m.options.dest, 10, m.options.qmpTlsDir, resources);
            sessions.add(d);
            e.add(j.name(), b.source(s.client).destination(d.client));
        }
        if (!json) {
            e.listener(new EvacuationScreen(out, Common.isTerminal(), list.stream().map(EvacuationJobs.Job::name).toList()));
        }
        return e.build();
    }

    private void print(EvacuationResult r, PrintWriter out) throws Exception {
        if (json) {
            ObjectNode o = Common.JSON.createObjectNode();
            var results = o.putArray("results");
            for (VmResult v : r.results()) {
                ObjectNode x = v.result().map(MigrationReport::toJson).orElseGet(Common.JSON::createObjectNode);
                x.put("name", v.name());
                x.put("outcome", v.outcome().name().toLowerCase().replace('_', '-'));
                x.put("started-as", v.startedAs());
                v.dirtyRate().ifPresent(d -> x.put("dirty-rate-bytes-per-second", d));
                v.error().ifPresent(m -> x.put("error", m));
                results.add(x);
            }
            ObjectNode s = o.putObject("summary");
            for (VmResult.Outcome k : VmResult.Outcome.values()) {
                s.put(k.name().toLowerCase().replace('_', '-'), r.count(k));
            }
            s.put("total-time-ms", r.totalTime().toMillis());
            s.put("max-running", r.maxRunning());
            out.println(Common.JSON.writeValueAsString(o));
            return;
        }
        out.printf("%nEvacuation: %d of %d completed in %.1f s (at most %d at once)%n", r.count(VmResult.Outcome.COMPLETED),
                r.results().size(), r.totalTime().toMillis() / 1000.0, r.maxRunning());
        for (VmResult v : r.results()) {
            out.printf("  %-20s %-11s %s%n", v.name(), v.outcome().name().toLowerCase().replace('_', ' '), v.result()
                    .filter(x -> x.succeeded()).map(x -> "total " + x.totalTime().toMillis() + " ms, downtime "
                            + x.downtime().toMillis() + " ms").orElse(v.error().orElse("")));
        }
    }
}
