package io.qmp4j.migration.evacuation;

import io.qmp4j.migration.MigrationException;
import io.qmp4j.migration.MigrationHandle;
import io.qmp4j.migration.MigrationProgress;
import io.qmp4j.migration.MigrationResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An evacuation as it runs, on one coordinating thread: measures every source, orders the VMs,
 * starts migrations while the limits allow, and re-balances the budget at each start and end. The
 * migrations' completions only queue their index for it; nothing else touches its state.
 */
final class EvacuationRun implements EvacuationHandle, Runnable {

    private static final Logger log = LoggerFactory.getLogger(EvacuationRun.class);
    private static final long TICK_MILLIS = 200;
    /** How long a start waits for the running migrations to take their lower limits. */
    private static final long LOWER_WAIT_MILLIS = 5000;

    private final Evacuation e;
    private final CompletableFuture<EvacuationResult> completion = new CompletableFuture<>();
    private final Map<String, MigrationProgress> progress = new ConcurrentHashMap<>();
    private final BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
    private final Slot[] slots;
    private volatile boolean cancelled;
    // the coordinator's own
    private final List<Slot> running = new ArrayList<>();
    private final Map<String, Integer> perHost = new HashMap<>();
    private boolean stopping;
    private boolean halted;
    private int started;
    private int maxRunning;

    /** One VM's state in the run. */
    private static final class Slot {
        final int index;
        final Evacuation.Vm vm;
        OptionalLong dirtyRate = OptionalLong.empty();
        long ram;
        MigrationHandle handle;
        long bandwidth;
        VmResult result;
        int startedAs = -1;

        Slot(int index, Evacuation.Vm vm) {
            this.index = index;
            this.vm = vm;
        }
    }

    private EvacuationRun(Evacuation e) {
        this.e = e;
        this.slots = new Slot[e.vms.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i, e.vms.get(i));
        }
    }

    static EvacuationHandle start(Evacuation e) {
        EvacuationRun r = new EvacuationRun(e);
        Thread t = new Thread(r, "qmp4j-evacuation");
        t.setDaemon(true);
        t.start();
        return r;
    }

    @Override
    public CompletableFuture<EvacuationResult> completion() {
        return completion;
    }

    @Override
    public CompletableFuture<EvacuationResult> cancel() {
        cancelled = true;
        return completion;
    }

    @Override
    public Map<String, MigrationProgress> progress() {
        return Map.copyOf(progress);
    }

    @Override
    public void run() {
        long t0 = System.nanoTime();
        try {
            for (SourceSurvey.Facts f : SourceSurvey.of(e.vms, e.measureFor)) {
                slots[f.index()].dirtyRate = f.dirtyRate();
                slots[f.index()].ram = f.ramBytes();
            }
            Deque<Slot> pending = new ArrayDeque<>();
            for (EvacuationOrder.Candidate c : e.order.sort(candidates())) {
                pending.add(slots[c.index()]);
            }
            while (!pending.isEmpty() || !running.isEmpty()) {
                if ((cancelled || stopping) && !halted) {
                    halted = true;
                    halt(pending);
                }
                startWhileRoom(pending);
                Integer done = ended.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                if (done != null) {
                    finished(slots[done]);
                }
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            running.stream().filter(s -> s.handle != null).forEach(s -> s.handle.cancel());
            completion.completeExceptionally(new java.util.concurrent.CancellationException("the evacuation's thread was"
                    + " interrupted: its running migrations were cancelled"));
            return;
        } catch (RuntimeException x) {
            log.debug("evacuation failed", x);
            running.stream().filter(s -> s.handle != null).forEach(s -> s.handle.cancel());
            completion.completeExceptionally(x);
            return;
        }
        List<VmResult> results = new ArrayList<>();
        for (Slot s : slots) {
            results.add(s.result);
        }
        completion.complete(new EvacuationResult(results, Duration.ofNanos(System.nanoTime() - t0), maxRunning));
    }

    /** Cancelled, or stopped after a failure: nothing more starts, and every running migration is cancelled and undone. */
    private void halt(Deque<Slot> pending) {
        String why = cancelled ? "the evacuation was cancelled" : "the evacuation stopped after a failure";
        log.info("evacuation: {}: {} not started, {} cancelled", why, pending.size(), running.size());
        pending.forEach(s -> end(s, new VmResult(s.vm.name(), VmResult.Outcome.NOT_STARTED, Optional.empty(), Optional.of(why),
                -1, s.dirtyRate, s.ram)));
        pending.clear();
        running.stream().filter(s -> s.handle != null).forEach(s -> s.handle.cancel());
    }

    private List<EvacuationOrder.Candidate> candidates() {
        List<EvacuationOrder.Candidate> l = new ArrayList<>();
        for (Slot s : slots) {
            l.add(new EvacuationOrder.Candidate(s.index, s.dirtyRate, s.ram));
        }
        return l;
    }

    /** Starts the first pending VMs (in order) whose source host has room, while the overall limit allows. */
    private void startWhileRoom(Deque<Slot> pending) {
        boolean startedOne = false;
        for (var it = pending.iterator(); it.hasNext() && running.size() < e.maxParallel && !cancelled && !stopping; ) {
            Slot s = it.next();
            if (perHost.getOrDefault(s.vm.sourceHost(), 0) >= e.maxParallelPerSource) {
                continue;
            }
            it.remove();
            begin(s);
            startedOne = true;
        }
        if (startedOne) {
            rebalance();
        }
    }

    private void begin(Slot s) {
        running.add(s);
        perHost.merge(s.vm.sourceHost(), 1, Integer::sum);
        maxRunning = Math.max(maxRunning, running.size());
        s.startedAs = started++;
        var b = s.vm.migration().progressListener(p -> {
            progress.put(s.vm.name(), p);
            e.listener.progress(s.vm.name(), p);
        });
        if (e.totalBandwidth > 0) {
            List<Long> shares = shares();
            lowerOthers(s, shares);
            s.bandwidth = shares.get(running.indexOf(s));
            b.bandwidth(s.bandwidth);
            e.listener.bandwidth(s.vm.name(), s.bandwidth);
        }
        log.info("evacuation: starting {} ({} of {}, {} running{})", s.vm.name(), s.startedAs + 1, slots.length, running.size(),
                e.totalBandwidth > 0 ? ", " + (s.bandwidth >> 20) + " MiB/s" : "");
        try {
            s.handle = b.build().start();
            s.handle.completion().whenComplete((r, x) -> ended.add(s.index));
            if (e.totalBandwidth > 0 && s.vm.plan().postcopyEnabled()) {
                s.handle.setBandwidth(s.bandwidth); // its post-copy limit too, once RAM moves
            }
        } catch (RuntimeException x) {
            s.result = new VmResult(s.vm.name(), VmResult.Outcome.FAILED, Optional.empty(), Optional.of(String.valueOf(x.getMessage())),
                    s.startedAs, s.dirtyRate, s.ram);
            s.handle = null;
            ended.add(s.index);
        }
    }

    /**
     * Before a migration starts, the running ones whose share shrinks are slowed down, and their
     * QEMUs have taken the new limit (or {@link #LOWER_WAIT_MILLIS} passed): the limits of the
     * running migrations never add up to more than the budget, not even for a moment.
     */
    private void lowerOthers(Slot starting, List<Long> shares) {
        List<CompletableFuture<Void>> lowered = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            Slot r = running.get(i);
            if (r != starting && r.handle != null && shares.get(i) < r.bandwidth) {
                r.bandwidth = shares.get(i);
                e.listener.bandwidth(r.vm.name(), r.bandwidth);
                lowered.add(r.handle.setBandwidth(r.bandwidth).exceptionally(x -> null));
            }
        }
        try {
            CompletableFuture.allOf(lowered.toArray(CompletableFuture[]::new)).get(LOWER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception x) {
            log.debug("not every running migration took its lower limit within {} ms: {}", LOWER_WAIT_MILLIS, x.toString());
        }
    }

    /** A migration ended: its result, its slot freed, the budget shared again. */
    private void finished(Slot s) {
        running.remove(s);
        perHost.merge(s.vm.sourceHost(), -1, Integer::sum);
        if (s.result == null) {
            s.result = resultOf(s);
        }
        end(s, s.result);
        if (e.stopOnFailure && s.result.outcome() != VmResult.Outcome.COMPLETED) {
            stopping = true;
        }
        rebalance();
    }

    private void end(Slot s, VmResult r) {
        s.result = r;
        log.info("evacuation: {} {}{}", s.vm.name(), r.outcome(), r.error().map(m -> ": " + m).orElse(""));
        e.listener.ended(r);
    }

    private VmResult resultOf(Slot s) {
        try {
            MigrationResult r = s.handle.completion().join();
            return new VmResult(s.vm.name(), VmResult.Outcome.COMPLETED, Optional.of(r), Optional.empty(), s.startedAs,
                    s.dirtyRate, s.ram);
        } catch (CompletionException x) {
            Throwable c = x.getCause();
            Optional<MigrationResult> r = c instanceof MigrationException m ? Optional.of(m.result()) : Optional.empty();
            VmResult.Outcome o = r.map(EvacuationRun::outcomeOf).orElse(VmResult.Outcome.FAILED);
            return new VmResult(s.vm.name(), o, r, Optional.of(String.valueOf(c.getMessage())), s.startedAs, s.dirtyRate, s.ram);
        }
    }

    private static VmResult.Outcome outcomeOf(MigrationResult r) {
        return switch (r.outcome()) {
            case COMPLETED -> VmResult.Outcome.COMPLETED;
            case REFUSED -> VmResult.Outcome.REFUSED;
            case CANCELLED -> VmResult.Outcome.CANCELLED;
            case FAILED -> VmResult.Outcome.FAILED;
        };
    }

    /** Each running migration's share of the budget, in the order of {@link #running}. */
    private List<Long> shares() {
        List<BandwidthBudget.Demand> d = new ArrayList<>();
        for (Slot s : running) {
            d.add(new BandwidthBudget.Demand(s.dirtyRate.orElse(0), s.vm.plan().bandwidth().orElse(Long.MAX_VALUE)));
        }
        return BandwidthBudget.shares(e.totalBandwidth, d);
    }

    /** The budget shared again among the running migrations; those whose share changed are told. */
    private void rebalance() {
        if (e.totalBandwidth <= 0 || running.isEmpty()) {
            return;
        }
        List<Long> shares = shares();
        for (int i = 0; i < running.size(); i++) {
            Slot s = running.get(i);
            long share = shares.get(i);
            if (s.handle != null && share != s.bandwidth) {
                s.bandwidth = share;
                e.listener.bandwidth(s.vm.name(), share);
                s.handle.setBandwidth(share).exceptionally(x -> {
                    log.debug("{}: bandwidth not changed: {}", s.vm.name(), x.getMessage());
                    return null;
                });
            }
        }
    }
}
