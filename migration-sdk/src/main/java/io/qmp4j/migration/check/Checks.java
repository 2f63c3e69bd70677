package io.qmp4j.migration.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.core.qapi.BlockInfo;
import io.qmp4j.core.qapi.CpuInfoFast;
import io.qmp4j.core.qapi.MigrationInfo;
import io.qmp4j.core.qapi.MigrationStatus;
import io.qmp4j.core.qapi.QueryBlock;
import io.qmp4j.core.qapi.QueryCpusFast;
import io.qmp4j.core.qapi.QueryMemorySizeSummary;
import io.qmp4j.core.qapi.QueryMigrate;
import io.qmp4j.core.qapi.QueryStatus;
import io.qmp4j.core.qapi.RunState;
import io.qmp4j.migration.Storage;
import io.qmp4j.migration.TlsCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pre-flight checks: the precautions of the openEuler live-migration guide.
 *
 * @since 0.1
 */
public final class Checks {

    private Checks() {
    }

    /** @return every check below, in order */
    public static List<PreflightCheck> all() {
        return List.of(sourceRunning(), destinationWaiting(), sameMachineType(), sameCpuModel(), enoughDestinationVcpus(),
                sameMemorySize(), storage(), tls());
    }

    /** @return the source VM is running (or paused) and not rebooting or already migrated */
    public static PreflightCheck sourceRunning() {
        return check("source-running", ctx -> {
            RunState s = ctx.query(ctx.source(), new QueryStatus()).status();
            List<String> p = new ArrayList<>();
            if (s != RunState.RUNNING && s != RunState.PAUSED) {
                p.add("the source VM is '" + s + "', not running or paused: only a live (or paused) VM can be migrated"
                        + (s == RunState.POSTMIGRATE ? " (it was migrated already; its state lives on the destination)" : ""));
            }
            Instant now = Instant.now();
            for (QmpEvent e : ctx.source().events().history()) {
                if (e.is("RESET") && Duration.between(e.timestamp(), now).toMillis() < 5000) {
                    p.add("the source VM was reset " + Duration.between(e.timestamp(), now).toMillis()
                            + " ms ago and may be rebooting: migrate when it has booted");
                }
            }
            return p;
        });
    }

    /** @return the destination QEMU was started with {@code -incoming defer} and has no migration yet */
    public static PreflightCheck destinationWaiting() {
        return check("destination-waiting", ctx -> {
            RunState s = ctx.query(ctx.destination(), new QueryStatus()).status();
            if (s != RunState.INMIGRATE) {
                return List.of("the destination QEMU is '" + s + "', not waiting for a migration: start it with the same"
                        + " command line plus '-incoming defer'");
            }
            MigrationInfo m = ctx.query(ctx.destination(), new QueryMigrate());
            if (m.status() != null && m.status() != MigrationStatus.NONE) {
                return List.of("the destination already has a migration in state '" + m.status() + "': start a new destination QEMU");
            }
            return List.of();
        });
    }

    /** @return both QEMUs emulate the same machine type */
    public static PreflightCheck sameMachineType() {
        return check("same-machine-type", ctx -> {
            String a = qomType(ctx, ctx.source(), "/machine");
            String b = qomType(ctx, ctx.destination(), "/machine");
            return a.equals(b) ? List.of() : List.of("machine types differ: source '" + a + "', destination '" + b
                    + "': start the destination with the source's -machine");
        });
    }

    /** @return both QEMUs use the same CPU model */
    public static PreflightCheck sameCpuModel() {
        return check("same-cpu-model", ctx -> {
            List<CpuInfoFast> a = ctx.query(ctx.source(), new QueryCpusFast());
            List<CpuInfoFast> b = ctx.query(ctx.destination(), new QueryCpusFast());
            if (a.isEmpty() || b.isEmpty()) {
                return List.of();
            }
            String ta = qomType(ctx, ctx.source(), a.get(0).qomPath());
            String tb = qomType(ctx, ctx.destination(), b.get(0).qomPath());
            return ta.equals(tb) ? List.of() : List.of("CPU models differ: source '" + ta + "', destination '" + tb
                    + "': start the destination with the source's -cpu");
        });
    }

    /** @return the destination has at least as many vCPUs as the source */
    public static PreflightCheck enoughDestinationVcpus() {
        return check("destination-vcpus", ctx -> {
            int a = ctx.query(ctx.source(), new QueryCpusFast()).size();
            int b = ctx.query(ctx.destination(), new QueryCpusFast()).size();
            return b >= a ? List.of() : List.of("the destination has " + b + " vCPUs, fewer than the source's " + a
                    + ": start it with -smp " + a);
        });
    }

    /** @return both QEMUs give the guest the same RAM */
    public static PreflightCheck sameMemorySize() {
        return check("same-memory-size", ctx -> {
            long a = ctx.query(ctx.source(), new QueryMemorySizeSummary()).baseMemory();
            long b = ctx.query(ctx.destination(), new QueryMemorySizeSummary()).baseMemory();
            return a == b ? List.of() : List.of("RAM differs: source " + (a >> 20) + " MiB, destination " + (b >> 20)
                    + " MiB: start the destination with -m " + (a >> 20) + "M");
        });
    }

    /**
     * @return for shared storage: every disk of the source is opened by the destination from the
     *         same image file; for copy-storage: the precautions of {@link DiskSelection}
     */
    public static PreflightCheck storage() {
        return check("storage", ctx -> {
            if (ctx.storage() instanceof Storage.Copy copy) {
                DiskSelection sel = DiskSelection.resolve(ctx, copy);
                List<String> p = new ArrayList<>(sel.problems());
                p.addAll(sel.precautions());
                return p;
            }
            Map<String, String> dst = new HashMap<>();
            for (BlockInfo b : ctx.query(ctx.destination(), new QueryBlock())) {
                if (b.inserted() != null) {
                    dst.put(diskName(b), b.inserted().image().filename());
                }
            }
            List<String> p = new ArrayList<>();
            for (BlockInfo b : ctx.query(ctx.source(), new QueryBlock())) {
                if (b.inserted() == null) {
                    continue;
                }
                String name = diskName(b);
                String file = b.inserted().image().filename();
                String other = dst.get(name);
                if (other == null) {
                    p.add("disk '" + name + "' (" + file + ") has no counterpart on the destination: attach the same image"
                            + " there, or migrate with copy-storage");
                } else if (!other.equals(file)) {
                    p.add("disk '" + name + "' is " + file + " on the source but " + other + " on the destination: with"
                            + " shared storage both must open the same image (else use copy-storage)");
                }
            }
            return p;
        });
    }

    /**
     * @return with TLS: the credentials this process can read are complete, current, signed by
     *         the CA, and the server certificate carries the host name the source will check
     */
    public static PreflightCheck tls() {
        return check("tls", ctx -> {
            if (ctx.tls().isEmpty()) {
                return List.of();
            }
            TlsCredentials t = ctx.tls().get();
            String host = t.hostname().orElseGet(() -> ctx.uri().host().orElse(null));
            return t.check(host, DiskSelection.isLocal(ctx.source().endpoint()) && DiskSelection.isLocal(ctx.destination().endpoint()));
        });
    }

    private static String diskName(BlockInfo b) {
        if (b.qdev() != null && !b.qdev().isEmpty()) {
            return b.qdev();
        }
        return b.device();
    }

    private static String qomType(PreflightContext ctx, QmpClient client, String path) throws Exception {
        JsonNode t = ctx.query(client, QmpCommand.raw("qom-get",
                JsonNodeFactory.instance.objectNode().put("path", path).put("property", "type")));
        return t.asText();
    }

    /** A check from a name and a function. */
    private static PreflightCheck check(String name, CheckFunction f) {
        return new PreflightCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> check(PreflightContext ctx) throws Exception {
                return f.apply(ctx);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    @FunctionalInterface
    private interface CheckFunction {
        List<String> apply(PreflightContext ctx) throws Exception;
    }

    /** Commands the SDK refuses on both QEMUs while a migration runs. */
    public static final Set<String> LIFECYCLE_COMMANDS = Set.of("stop", "cont", "system_reset", "system_powerdown", "quit",
            "device_add", "device_del");
}
