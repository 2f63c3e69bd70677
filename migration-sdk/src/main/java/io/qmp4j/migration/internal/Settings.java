package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.qapi.MigrationParameters;
import io.qmp4j.core.qapi.MultiFDCompression;
import io.qmp4j.migration.Compression;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationLimits;
import io.qmp4j.migration.MigrationLimits.Origin;
import io.qmp4j.migration.MigrationPlan;
import io.qmp4j.migration.Postcopy;
import io.qmp4j.migration.Storage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job sets on which QEMU: derived, without any I/O, from the plan, the job's names and
 * both QEMUs' current settings.
 *
 * <p>Capabilities: the <em>whole</em> set each QEMU offers, every one this migration does not
 * want explicitly off (as Proxmox VE does), so that what an earlier client left enabled cannot
 * change this migration. Parameters: what the plan's options set, plus those that would
 * otherwise change the migration's meaning (stale TLS credentials, multifd compression); every
 * other parameter keeps what the source has, whoever set it. The bandwidth is lifted to
 * "unlimited" only from QEMU's untouched built-in default, as libvirt does.
 *
 * @param sourceCapabilities the source's capabilities during the migration (complete)
 * @param destinationCapabilities the destination's (complete)
 * @param sourceParameters the parameters set on the source
 * @param destinationParameters the parameters set on the destination
 * @param limits the bandwidth and downtime limit that apply, and where each comes from
 * @param problems what a QEMU cannot do (a wanted capability it does not offer); nothing is changed when not empty
 */
public record Settings(Map<String, Boolean> sourceCapabilities, Map<String, Boolean> destinationCapabilities,
                       ObjectNode sourceParameters, ObjectNode destinationParameters, MigrationLimits limits,
                       List<String> problems) {

    /** QEMU's built-in {@code max-bandwidth}: 128 MiB/s since 5.1, 32 MiB/s before. */
    static final Set<Long> BUILT_IN_BANDWIDTHS = Set.of(128L << 20, 32L << 20);


    /** Copies the collections. */
    public Settings {
        sourceCapabilities = Map.copyOf(sourceCapabilities);
        destinationCapabilities = Map.copyOf(destinationCapabilities);
        problems = List.copyOf(problems);
    }

    /**
     * @param plan what the user asked for
     * @param names the job's names (of its TLS objects)
     * @param srcCaps the source's capabilities now ({@code query-migrate-capabilities})
     * @param dstCaps the destination's
     * @param srcParams the source's parameters now ({@code query-migrate-parameters})
     * @param dstParams the destination's
     * @return what to set
     */
    public static Settings derive(MigrationPlan plan, Names names, Map<String, Boolean> srcCaps, Map<String, Boolean> dstCaps,
                                  JsonNode srcParams, JsonNode dstParams) {
        List<String> problems = new ArrayList<>();
        Set<String> both = new LinkedHashSet<>(List.of("events"));
        if (plan.multifdChannels() > 0) {
            both.add("multifd");
        }
        if (plan.compression().orElse(null) instanceof Compression.Legacy) {
            both.add("compress");
        }
        if (plan.xbzrleCacheBytes().isPresent()) {
            both.add("xbzrle");
        }
        if (plan.postcopyEnabled()) {
            both.add("postcopy-ram");
        }
        Set<String> src = new LinkedHashSet<>(both);
        Set<String> dst = new LinkedHashSet<>(both);
        plan.autoConverge().ifPresent(a -> src.add("auto-converge"));
        if (plan.storage() instanceof Storage.Copy) {
            // libvirt's order: the source stops at pre-switchover so that the mirrors end while it
            // is paused; the destination activates its disks only when it resumes.
            src.add("pause-before-switchover");
            dst.add("late-block-activate");
        }
        ObjectNode sp = sourceParameters(plan, names, srcParams);
        ObjectNode dp = destinationParameters(plan, names, dstParams);
        MigrationLimits limits = limits(plan, srcParams, sp);
        return new Settings(whole(src, srcCaps, "source", problems), whole(dst, dstCaps, "destination", problems), sp, dp, limits,
                problems);
    }

    private static Map<String, Boolean> whole(Set<String> wanted, Map<String, Boolean> offered, String side, List<String> problems) {
        Map<String, Boolean> all = new LinkedHashMap<>();
        offered.keySet().forEach(c -> all.put(c, wanted.contains(c)));
        for (String w : wanted) {
            if (!offered.containsKey(w)) {
                problems.add("the " + side + " QEMU has no migration capability '" + w + "', which this migration needs"
                        + (w.equals("compress") ? " (QEMU 9.1 removed legacy compression: use multifd(n) with"
                        + " Compression.multifd(ZLIB|ZSTD, level), virsh --parallel --compressed)" : ""));
            }
        }
        return all;
    }

    private static ObjectNode sourceParameters(MigrationPlan plan, Names names, JsonNode current) {
        ObjectNode p = plan.extraParameters().map(MigrationParameters::toJson).orElseGet(JsonNodeFactory.instance::objectNode);
        long now = current.path("max-bandwidth").asLong(-1);
        if (plan.bandwidth().isPresent()) {
            p.put("max-bandwidth", plan.bandwidth().get());
        } else if (BUILT_IN_BANDWIDTHS.contains(now)) {
            p.put("max-bandwidth", Migration.UNLIMITED_BANDWIDTH);
        }
        plan.maxDowntime().ifPresent(d -> p.put("downtime-limit", d.toMillis()));
        if (plan.multifdChannels() > 0) {
            p.put("multifd-channels", plan.multifdChannels());
        }
        compression(plan, p, true);
        plan.autoConverge().ifPresent(a -> p.put("cpu-throttle-initial", a.initialPercent())
                .put("cpu-throttle-increment", a.incrementPercent()).put("max-cpu-throttle", a.maxPercent())
                .put("cpu-throttle-tailslow", a.tailslow()));
        plan.xbzrleCacheBytes().ifPresent(x -> p.put("xbzrle-cache-size", x));
        plan.postcopy().flatMap(Postcopy::bandwidth).ifPresent(b -> p.put("max-postcopy-bandwidth", b));
        if (plan.tls().isPresent()) {
            p.put("tls-creds", names.tls());
            plan.tls().get().hostname().ifPresent(h -> p.put("tls-hostname", h));
        } else {
            clearIfSet(p, current, "tls-creds", "tls-hostname");
        }
        return p;
    }

    private static ObjectNode destinationParameters(MigrationPlan plan, Names names, JsonNode current) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        if (plan.multifdChannels() > 0) {
            p.put("multifd-channels", plan.multifdChannels());
        }
        compression(plan, p, false);
        if (plan.tls().isPresent()) {
            p.put("tls-creds", names.tls());
            if (!plan.tls().get().authorizedClients().isEmpty()) {
                p.put("tls-authz", names.authz());
            } else {
                clearIfSet(p, current, "tls-authz");
            }
        } else {
            clearIfSet(p, current, "tls-creds", "tls-authz");
        }
        return p;
    }

    private static void compression(MigrationPlan plan, ObjectNode p, boolean source) {
        Compression c = plan.compression().orElse(null);
        if (c instanceof Compression.Multifd m) {
            p.put("multifd-compression", m.method().value());
            if (source) {
                p.put(m.method().equals(MultiFDCompression.ZLIB) ? "multifd-zlib-level" : "multifd-zstd-level", m.level());
            }
        } else if (c instanceof Compression.Legacy l) {
            if (source) {
                p.put("compress-level", l.level()).put("compress-threads", l.threads());
                if (l.waitThread() != null) {
                    p.put("compress-wait-thread", l.waitThread());
                }
            } else {
                p.put("decompress-threads", l.decompressThreads());
            }
            if (l.method() != null) {
                p.put("compress-method", l.method());
            }
        } else if (plan.multifdChannels() > 0) {
            p.put("multifd-compression", MultiFDCompression.NONE.value());
        }
    }

    private static void clearIfSet(ObjectNode p, JsonNode current, String... names) {
        for (String n : names) {
            if (!current.path(n).asText("").isEmpty()) {
                p.put(n, "");
            }
        }
    }

    private static MigrationLimits limits(MigrationPlan plan, JsonNode current, ObjectNode set) {
        long bw = set.has("max-bandwidth") ? set.get("max-bandwidth").asLong() : current.path("max-bandwidth").asLong();
        Origin bwFrom = plan.bandwidth().isPresent() ? Origin.OPTION : set.has("max-bandwidth") ? Origin.DEFAULT_LIFTED
                : Origin.SOURCE_SETTING;
        long dt = set.has("downtime-limit") ? set.get("downtime-limit").asLong() : current.path("downtime-limit").asLong();
        return new MigrationLimits(bw, bwFrom, dt, plan.maxDowntime().isPresent() ? Origin.OPTION : Origin.SOURCE_SETTING);
    }
}
