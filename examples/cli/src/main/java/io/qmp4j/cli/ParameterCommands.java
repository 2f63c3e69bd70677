package io.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpUnsupportedException;
import io.qmp4j.core.command.MigrateCancel;
import io.qmp4j.core.command.MigrateSetParameters;
import io.qmp4j.core.command.MigrationParameters;
import io.qmp4j.core.command.QueryMigrateParameters;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** virsh's migration-parameter commands. */
final class ParameterCommands {

    private ParameterCommands() {
    }

    @Command(name = "migrate-setmaxdowntime", description = "Set the longest pause allowed at switchover (downtime-limit).")
    static final class SetMaxDowntime implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "MS", description = "milliseconds")
        long ms;

        @Override
        public Integer call() throws Exception {
            if (ms <= 0) {
                throw new IllegalArgumentException("downtime " + ms + " ms is not positive");
            }
            try (Common.Session s = new Common.Session(monitor)) {
                Common.get(s.client.execute(new MigrateSetParameters(MigrationParameters.builder().downtimeLimit(ms).build())));
                return 0;
            }
        }
    }

    @Command(name = "migrate-setspeed", description = "Set the migration bandwidth limit (max-bandwidth).")
    static final class SetSpeed implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Option(names = "--bandwidth", required = true, paramLabel = "MiB/s", description = "mebibytes per second")
        long mib;

        @Override
        public Integer call() throws Exception {
            if (mib <= 0) {
                throw new IllegalArgumentException("bandwidth " + mib + " MiB/s is not positive");
            }
            try (Common.Session s = new Common.Session(monitor)) {
                Common.get(s.client.execute(new MigrateSetParameters(MigrationParameters.builder()
                        .maxBandwidth(MigrationParameters.mebibytesPerSecond(mib)).build())));
                return 0;
            }
        }
    }

    @Command(name = "migrate-getspeed", description = "Print the migration bandwidth limit in MiB/s.")
    static final class GetSpeed implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Common.Session s = new Common.Session(monitor)) {
                long bw = Common.get(s.client.execute(new QueryMigrateParameters())).maxBandwidth();
                spec.commandLine().getOut().println(bw >> 20);
                return 0;
            }
        }
    }

    @Command(name = "migrate-set-parameters", description = "Set migration parameters, in QEMU's names and units: key=value ...")
    static final class SetParameters implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "e.g. downtime-limit=300 multifd-channels=4 tls-creds=tls0")
        List<String> pairs;

        @Override
        public Integer call() throws Exception {
            ObjectNode args = Common.JSON.createObjectNode();
            for (String p : pairs) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + p + "': expected key=value");
                }
                String key = p.substring(0, eq);
                String v = p.substring(eq + 1);
                if (v.equals("true") || v.equals("false")) {
                    args.put(key, Boolean.parseBoolean(v));
                } else if (v.matches("-?\\d+")) {
                    args.put(key, Long.parseLong(v));
                } else {
                    args.put(key, v);
                }
            }
            try (Common.Session s = new Common.Session(monitor)) {
                // Checked against this QEMU's schema (vendor parameters included), then sent as given.
                List<String> problems = Common.get(s.client.schema()).check("migrate-set-parameters", args);
                if (!problems.isEmpty()) {
                    throw new QmpUnsupportedException("migrate-set-parameters", s.client.greeting().orElseThrow().version(), problems);
                }
                Common.get(s.client.executeRaw("migrate-set-parameters", args));
                return 0;
            }
        }
    }

    @Command(name = "query-migrate-parameters", description = "Print the migration parameters.")
    static final class QueryParameters implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--json", description = "one JSON object, in QEMU's units")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (Common.Session s = new Common.Session(monitor)) {
                JsonNode p = Common.get(s.client.executeRaw("query-migrate-parameters", null));
                if (json) {
                    spec.commandLine().getOut().println(Common.JSON.writeValueAsString(p));
                } else {
                    for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        spec.commandLine().getOut().printf("%-28s %s%n", e.getKey() + ":", e.getValue().isTextual()
                                ? e.getValue().asText() : e.getValue().toString());
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "migrate-cancel", description = "Send migrate_cancel to the source; 'domjobabort' also undoes what the job changed.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;

        @Override
        public Integer call() throws Exception {
            try (Common.Session s = new Common.Session(monitor)) {
                Common.get(s.client.execute(new MigrateCancel()));
                return 0;
            }
        }
    }
}
