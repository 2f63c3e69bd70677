package io.qmp4j.migration.evacuation;

import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationPlan;
import io.qmp4j.migration.MigrationProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Many migrations at once, as a host evacuation does (OpenStack Nova's
 * {@code max_concurrent_live_migrations} with a bandwidth per migration): at most
 * {@link Builder#maxParallel(int) N} at a time, and at most {@link Builder#maxParallelPerSource(int)
 * M} from one source host; under a {@link Builder#totalBandwidth(long) total bandwidth budget}
 * shared among the running migrations and re-balanced (QEMU's {@code max-bandwidth}, changed
 * while they run) each time one starts or ends; in an {@link EvacuationOrder order} chosen from
 * each guest's dirty rate and RAM, measured on all sources at once before the first start. A VM
 * whose migration fails does not stop the others unless {@link Builder#stopOnFailure(boolean)}
 * asks; {@link EvacuationHandle#cancel()} undoes every running one through its journal.
 *
 * <pre>{@code
 * EvacuationResult r = Evacuation.builder()
 *         .add("web-1", Migration.builder().source(web1).destination(web1New).uri(MigrationUri.tcp("10.0.0.2", 49152)))
 *         .add("db-1", Migration.builder().source(db1).destination(db1New).uri(MigrationUri.tcp("10.0.0.2", 49154)))
 *         .maxParallel(2).totalBandwidthMiBps(1000)
 *         .build().start().completion().join();
 * }</pre>
 *
 * <p>The clients of all the migrations should share one {@link io.qmp4j.core.QmpResources}. A
 * migration's own {@code bandwidth(…)} is its cap within the budget; its progress listener is
 * replaced by the evacuation's ({@link Builder#listener(Listener)}). The source host of a
 * migration is its source monitor's host ({@code localhost} for a UNIX socket).
 *
 * @since 0.2
 */
public final class Evacuation {

    final List<Vm> vms;
    final int maxParallel;
    final int maxParallelPerSource;
    final long totalBandwidth;
    final EvacuationOrder order;
    final boolean stopOnFailure;
    final Duration measureFor;
    final Listener listener;

    /** One VM to move: its name, its migration, the plan checked when the evacuation was built, and its source host. */
    record Vm(String name, Migration.Builder migration, MigrationPlan plan, String sourceHost) {
    }

    private Evacuation(Builder b, List<Vm> vms) {
        this.vms = List.copyOf(vms);
        this.maxParallel = b.maxParallel;
        this.maxParallelPerSource = b.maxParallelPerSource > 0 ? b.maxParallelPerSource : b.maxParallel;
        this.totalBandwidth = b.totalBandwidth;
        this.order = b.order;
        this.stopOnFailure = b.stopOnFailure;
        this.measureFor = b.measureFor;
        this.listener = b.listener;
    }

    /** @return a builder with the defaults: one at a time, no budget, easiest first, 1 s of dirty-rate measurement */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts the evacuation on a daemon thread of its own. */
    public EvacuationHandle start() {
        return EvacuationRun.start(this);
    }

    /** @return the names of the VMs, in the order added */
    public List<String> names() {
        return vms.stream().map(Vm::name).toList();
    }

    /** What happens to each VM of an evacuation, as it happens; called from the evacuation's threads. */
    public interface Listener {
        /** A VM's migration reported progress. */
        default void progress(String vm, MigrationProgress progress) {
        }

        /**
         * A VM's migration was started, or its share of the budget changed.
         *
         * @param bandwidth its bandwidth limit now, bytes per second; 0 without a budget
         */
        default void bandwidth(String vm, long bandwidth) {
        }

        /** A VM's migration ended (or it will not be started). */
        default void ended(VmResult result) {
        }
    }

    static String hostOf(QmpEndpoint e) {
        if (e instanceof QmpEndpoint.Tcp t) {
            return t.host();
        }
        if (e instanceof QmpEndpoint.Tls t) {
            return t.host();
        }
        return "localhost";
    }

    /** Collects the migrations and the limits; {@link #build()} checks them without any I/O. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Migration.Builder> migrations = new ArrayList<>();
        private int maxParallel = 1;
        private int maxParallelPerSource;
        private long totalBandwidth;
        private EvacuationOrder order = EvacuationOrder.EASIEST_FIRST;
        private boolean stopOnFailure;
        private Duration measureFor = Duration.ofSeconds(1);
        private Listener listener = new Listener() { };

        private Builder() {
        }

        /**
         * @param name the VM's name in results and progress (unique)
         * @param migration its migration, as for a single one (source, destination, URI, options)
         * @return this builder
         */
        public Builder add(String name, Migration.Builder migration) {
            names.add(Objects.requireNonNull(name, "name"));
            migrations.add(Objects.requireNonNull(migration, "migration"));
            return this;
        }

        /**
         * @param n the most migrations at once (default 1, as Nova's {@code max_concurrent_live_migrations})
         * @return this builder
         */
        public Builder maxParallel(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxParallel " + n + " is below 1");
            }
            this.maxParallel = n;
            return this;
        }

        /**
         * @param n the most migrations at once from one source host (default: {@link #maxParallel(int)})
         * @return this builder
         */
        public Builder maxParallelPerSource(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxParallelPerSource " + n + " is below 1");
            }
            this.maxParallelPerSource = n;
            return this;
        }

        /**
         * @param bytesPerSecond the bandwidth all running migrations share (0: no budget, each keeps its own limit)
         * @return this builder
         */
        public Builder totalBandwidth(long bytesPerSecond) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("total bandwidth " + bytesPerSecond + " is negative");
            }
            this.totalBandwidth = bytesPerSecond;
            return this;
        }

        /**
         * @param mib the shared budget in MiB/s
         * @return this builder
         */
        public Builder totalBandwidthMiBps(long mib) {
            return totalBandwidth(Math.multiplyExact(mib, 1L << 20));
        }

        /**
         * @param order the start order (default {@link EvacuationOrder#EASIEST_FIRST})
         * @return this builder
         */
        public Builder order(EvacuationOrder order) {
            this.order = Objects.requireNonNull(order, "order");
            return this;
        }

        /**
         * @param stop whether a VM's failure (or refusal) cancels the running migrations and starts no more (default false)
         * @return this builder
         */
        public Builder stopOnFailure(boolean stop) {
            this.stopOnFailure = stop;
            return this;
        }

        /**
         * @param calcTime how long each source's dirty rate is measured before the first start
         *                 (whole seconds, 1 to 60; default 1 s, all sources at once); zero measures nothing (then the
         *                 order falls back to RAM, and the budget is shared equally)
         * @return this builder
         */
        public Builder measureFor(Duration calcTime) {
            if (!calcTime.isZero() && (calcTime.toMillis() % 1000 != 0 || calcTime.toSeconds() < 1 || calcTime.toSeconds() > 60)) {
                throw new IllegalArgumentException("measureFor " + calcTime + ": QEMU measures whole seconds, 1 to 60 (or zero: none)");
            }
            this.measureFor = calcTime;
            return this;
        }

        /**
         * @param listener told of each VM's progress, bandwidth and end
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @return the evacuation
         * @throws IllegalStateException when there is no migration, a name repeats, or a
         *                               migration is incomplete or contradictory (naming it)
         */
        public Evacuation build() {
            if (migrations.isEmpty()) {
                throw new IllegalStateException("an evacuation needs at least one migration: add(name, Migration.builder()…)");
            }
            Set<String> seen = new HashSet<>();
            List<Vm> vms = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!seen.add(name)) {
                    throw new IllegalStateException("the name '" + name + "' is given to two migrations");
                }
                MigrationPlan plan;
                try {
                    plan = migrations.get(i).build();
                } catch (IllegalStateException e) {
                    throw new IllegalStateException("migration '" + name + "': " + e.getMessage(), e);
                }
                vms.add(new Vm(name, migrations.get(i), plan, hostOf(plan.source().endpoint())));
            }
            return new Evacuation(this, vms);
        }
    }
}
