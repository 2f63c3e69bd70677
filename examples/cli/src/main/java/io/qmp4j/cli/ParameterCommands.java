package io.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.QmpUnsupportedException;
import io.qmp4j.core.command.Migrations;
import io.qmp4j.core.qapi.MigrateCancel;
import io.qmp4j.core.qapi.MigrateSetParameters;
import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.core.qapi.QueryMigrateParameters;
import io.qmp4j.core.schema.QmpSchema;
import io.qmp4j.core.schema.SchemaType;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
                Common.get(s.client.execute(Migrations.set(MigrateSetParameters.builder().downtimeLimit(ms).build())));
                return 0;
            }
        }
    }

    @Command(name = "migrate-getmaxdowntime", description = "Print the longest pause allowed at switchover (downtime-limit), in ms.")
    static final class GetMaxDowntime implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Common.Session s = new Common.Session(monitor)) {
                spec.commandLine().getOut().println(Common.get(s.client.execute(new QueryMigrateParameters())).downtimeLimit());
                return 0;
            }
        }
    }

    @Command(name = "migrate-setspeed", description = "Set the migration bandwidth limit (max-bandwidth; with --postcopy, max-postcopy-bandwidth).")
    static final class SetSpeed implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Option(names = "--bandwidth", required = true, paramLabel = "MiB/s", description = "mebibytes per second")
        long mib;
        @Option(names = "--postcopy", description = "the limit in post-copy (max-postcopy-bandwidth)")
        boolean postcopy;

        @Override
        public Integer call() throws Exception {
            if (mib <= 0) {
                throw new IllegalArgumentException("bandwidth " + mib + " MiB/s is not positive");
            }
            long bytes = Migrations.mebibytesPerSecond(mib);
            MigrateSetParameters.Builder b = MigrateSetParameters.builder();
            try (Common.Session s = new Common.Session(monitor)) {
                Common.get(s.client.execute(Migrations.set((postcopy ? b.maxPostcopyBandwidth(bytes) : b.maxBandwidth(bytes)).build())));
                return 0;
            }
        }
    }

    @Command(name = "migrate-getspeed", description = "Print the migration bandwidth limit in MiB/s (with --postcopy, the post-copy one; 0: none).")
    static final class GetSpeed implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--postcopy", description = "the limit in post-copy (max-postcopy-bandwidth)")
        boolean postcopy;

        @Override
        public Integer call() throws Exception {
            try (Common.Session s = new Common.Session(monitor)) {
                MigrationParameters p = Common.get(s.client.execute(new QueryMigrateParameters()));
                Long bw = postcopy ? p.maxPostcopyBandwidth() : p.maxBandwidth();
                spec.commandLine().getOut().println(bw == null ? 0 : bw >> 20);
                return 0;
            }
        }
    }

    @Command(name = "migrate-compcache", description = "Print the XBZRLE page cache size in bytes; with --size, set it first (xbzrle-cache-size).")
    static final class CompCache implements Callable<Integer> {
        @Mixin
        Common.Monitor monitor;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--size", paramLabel = "BYTES", description = "the new size; QEMU rounds it down to a power of 2")
        Long size;

        @Override
        public Integer call() throws Exception {
            if (size != null && size <= 0) {
                throw new IllegalArgumentException("cache size " + size + " bytes is not positive");
            }
            try (Common.Session s = new Common.Session(monitor)) {
                if (size != null) {
                    Common.get(s.client.execute(Migrations.set(MigrateSetParameters.builder().xbzrleCacheSize(size).build())));
                }
                spec.commandLine().getOut().println(Common.get(s.client.execute(new QueryMigrateParameters())).xbzrleCacheSize());
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
            Map<String, String> given = new LinkedHashMap<>();
            for (String p : pairs) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + p + "': expected key=value");
                }
                if (given.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException("'" + p.substring(0, eq) + "' is given twice");
                }
            }
            try (Common.Session s = new Common.Session(monitor)) {
                // Each value typed as this QEMU's schema declares it (tls-hostname=123 is a string), then
                // the whole checked against the schema (vendor parameters included) and sent.
                QmpSchema schema = Common.get(s.client.schema());
                ObjectNode args = Common.JSON.createObjectNode();
                given.forEach((k, v) -> args.set(k, typed(schema, k, v)));
                List<String> problems = schema.check("migrate-set-parameters", args);
                if (!problems.isEmpty()) {
                    throw new QmpUnsupportedException("migrate-set-parameters", s.client.greeting().orElseThrow().version(), problems);
                }
                Common.get(s.client.executeRaw("migrate-set-parameters", args));
                return 0;
            }
        }
    }

    /**
     * A {@code migrate-set-parameters} value as the schema types its member: a number, a boolean,
     * a string (also for {@code StrOrNull} and enums), or JSON for structures. A member the schema
     * does not have is left as text for the schema check to name.
     */
    static JsonNode typed(QmpSchema schema, String key, String v) {
        var t = schema.argumentType("migrate-set-parameters", key).orElse(null);
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (t instanceof SchemaType.Builtin b) {
            switch (b.jsonType()) {
                case "int":
                    try {
                        return f.numberNode(Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(key + "=" + v + ": " + key + " takes a whole number"
                                + (v.matches("-?\\d+") ? " between -2^63 and 2^63-1" : ""));
                    }
                case "number":
                    try {
                        return f.numberNode(Double.parseDouble(v));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(key + "=" + v + ": " + key + " takes a number");
                    }
                case "boolean":
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new IllegalArgumentException(key + "=" + v + ": " + key + " takes true or false");
                    }
                    return f.booleanNode(Boolean.parseBoolean(v));
                default:
                    return f.textNode(v);
            }
        }
        if (t instanceof SchemaType.Object || t instanceof SchemaType.Array) {
            try {
                return Common.JSON.readTree(v);
            } catch (Exception e) {
                throw new IllegalArgumentException(key + "=" + v + ": " + key + " takes JSON (" + t.id() + ")");
            }
        }
        return f.textNode(v); // enums, StrOrNull, members the schema does not have
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
