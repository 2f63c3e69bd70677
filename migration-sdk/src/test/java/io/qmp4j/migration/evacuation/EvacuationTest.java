package io.qmp4j.migration.evacuation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpResources;
import io.qmp4j.migration.FakeQemu;
import io.qmp4j.migration.Migration;
import io.qmp4j.migration.MigrationUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The evacuation's scheduling against fake QEMUs: limits, the budget and its re-balancing, order, failures, cancel. */
@Timeout(60)
class EvacuationTest {

    private static final long MIB = 1L << 20;
    private static final List<String> FLOW = List.of("setup", "active", "active", "device", "completed");
    private QmpResources resources;
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** One VM: a fake source (migrating through {@link #FLOW}) and its fake destination, both connected. */
    private record Vm(String name, FakeQemu source, FakeQemu destination, QmpClient src, QmpClient dst) {
        Migration.Builder migration() {
            return Migration.builder().source(src).destination(dst).uri(MigrationUri.tcp("127.0.0.1", 4444))
                    .pollInterval(Duration.ofMillis(20));
        }
    }

    @BeforeEach
    void resources() {
        resources = QmpResources.create();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        resources.close();
    }

    private Vm vm(String name, List<String> flow) throws Exception {
        FakeQemu d = new FakeQemu("inmigrate", List.of());
        FakeQemu s = new FakeQemu("running", flow).to(d);
        closing.add(s);
        closing.add(d);
        QmpClient sc = s.client(resources);
        QmpClient dc = d.client(resources);
        closing.add(sc);
        closing.add(dc);
        return new Vm(name, s, d, sc, dc);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void atMostNRunAtOnceAndTheBudgetIsSharedAgainAtEachStartAndEnd() throws Exception {
        Vm a = vm("a", FLOW);
        Vm b = vm("b", FLOW);
        Vm c = vm("c", FLOW);
        a.source().holdAt("active");
        b.source().holdAt("active");
        c.source().holdAt("active");
        Map<String, List<Long>> told = new ConcurrentHashMap<>();
        EvacuationHandle h = Evacuation.builder().add("a", a.migration()).add("b", b.migration()).add("c", c.migration())
                .maxParallel(2).totalBandwidthMiBps(300).order(EvacuationOrder.AS_GIVEN).measureFor(Duration.ZERO)
                .listener(new Evacuation.Listener() {
                    @Override
                    public void bandwidth(String vm, long bandwidth) {
                        told.computeIfAbsent(vm, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(bandwidth / MIB);
                    }
                }).build().start();
        await(() -> a.source().running() && b.source().running(), "a and b migrate");
        await(() -> a.source().bandwidths().contains(150 * MIB), "a's share drops to 150 MiB/s once b runs");
        assertFalse(c.source().migrating(), "c waits: two run at once");
        a.source().release();
        await(() -> c.source().running(), "c starts once a is done");
        b.source().release();
        c.source().release();
        EvacuationResult r = h.completion().get(20, TimeUnit.SECONDS);
        assertTrue(r.allCompleted(), r.toString());
        assertEquals(2, r.maxRunning());
        assertEquals(List.of(0, 1, 2), r.results().stream().map(VmResult::startedAs).toList());
        // a: alone at first (300), then 150 beside b; b: 150 from the start; c: 150 beside b.
        assertEquals(List.of(300 * MIB, 150 * MIB), a.source().bandwidths().subList(0, 2), a.source().bandwidths().toString());
        assertEquals(150 * MIB, b.source().bandwidths().get(0));
        assertEquals(150 * MIB, c.source().bandwidths().get(0));
        assertEquals(134217728L, a.source().bandwidths().get(a.source().bandwidths().size() - 1),
                "a's own limit is restored at its end, also after a change while it ran");
        System.out.println("shares told: " + told);
        assertTrue(a.source().objects.isEmpty() && c.destination().objects.isEmpty(), "nothing of the jobs left");
    }

    @Test
    void theEasiestFirstStartsTheColdestGuest() throws Exception {
        Vm hot = vm("hot", FLOW);
        Vm cold = vm("cold", FLOW);
        Vm warm = vm("warm", FLOW);
        hot.source().dirtyRate(200);
        cold.source().dirtyRate(1);
        warm.source().dirtyRate(20);
        EvacuationResult r = Evacuation.builder().add("hot", hot.migration()).add("cold", cold.migration())
                .add("warm", warm.migration()).build().start().completion().get(30, TimeUnit.SECONDS);
        assertTrue(r.allCompleted(), r.toString());
        assertEquals(List.of(2, 0, 1), r.results().stream().map(VmResult::startedAs).toList(), "cold, warm, hot");
        assertEquals(200 * MIB, r.results().get(0).dirtyRate().orElseThrow());
        assertEquals(1, r.maxRunning(), "one at a time by default");
    }

    @Test
    void oneFailureDoesNotStopTheOthersUnlessAsked() throws Exception {
        List<String> failing = List.of("setup", "active", "failed");
        Vm bad = vm("bad", failing);
        Vm good = vm("good", FLOW);
        EvacuationResult r = Evacuation.builder().add("bad", bad.migration()).add("good", good.migration())
                .order(EvacuationOrder.AS_GIVEN).measureFor(Duration.ZERO).build().start().completion().get(30, TimeUnit.SECONDS);
        assertEquals(VmResult.Outcome.FAILED, r.results().get(0).outcome(), r.toString());
        assertTrue(r.results().get(0).error().orElseThrow().contains("failed"), r.toString());
        assertEquals(VmResult.Outcome.COMPLETED, r.results().get(1).outcome());

        Vm bad2 = vm("bad2", failing);
        Vm next = vm("next", FLOW);
        EvacuationResult stopped = Evacuation.builder().add("bad2", bad2.migration()).add("next", next.migration())
                .order(EvacuationOrder.AS_GIVEN).measureFor(Duration.ZERO).stopOnFailure(true).build().start().completion()
                .get(30, TimeUnit.SECONDS);
        assertEquals(VmResult.Outcome.NOT_STARTED, stopped.results().get(1).outcome(), stopped.toString());
        assertFalse(next.source().migrating());
    }

    @Test
    void aCancelUndoesTheRunningAndStartsNoMore() throws Exception {
        Vm a = vm("a", FLOW);
        Vm b = vm("b", FLOW);
        a.source().holdAt("active");
        EvacuationHandle h = Evacuation.builder().add("a", a.migration()).add("b", b.migration()).order(EvacuationOrder.AS_GIVEN)
                .measureFor(Duration.ZERO).build().start();
        await(() -> a.source().running(), "a migrates");
        EvacuationResult r = h.cancel().get(20, TimeUnit.SECONDS);
        assertEquals(VmResult.Outcome.CANCELLED, r.results().get(0).outcome(), r.toString());
        assertEquals(VmResult.Outcome.NOT_STARTED, r.results().get(1).outcome());
        assertTrue(a.source().received.contains("migrate_cancel"));
        assertTrue(a.source().objects.isEmpty(), "a's job record is gone: " + a.source().objects);
        assertFalse(b.source().migrating());
    }

    @Test
    void badInputIsRefusedWhenBuilt() throws Exception {
        Vm a = vm("a", FLOW);
        assertThrows(IllegalStateException.class, () -> Evacuation.builder().build());
        IllegalStateException dup = assertThrows(IllegalStateException.class,
                () -> Evacuation.builder().add("x", a.migration()).add("x", a.migration()).build());
        assertTrue(dup.getMessage().contains("'x'"), dup.getMessage());
        IllegalStateException incomplete = assertThrows(IllegalStateException.class,
                () -> Evacuation.builder().add("y", Migration.builder().source(a.src())).build());
        assertTrue(incomplete.getMessage().startsWith("migration 'y': "), incomplete.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Evacuation.builder().maxParallel(0));
        assertThrows(IllegalArgumentException.class, () -> Evacuation.builder().measureFor(Duration.ofMillis(1500)));
    }
}
