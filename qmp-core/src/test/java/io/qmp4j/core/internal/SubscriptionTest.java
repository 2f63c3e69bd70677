package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import io.netty.util.HashedWheelTimer;
import io.qmp4j.core.QmpTimeoutException;
import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.core.event.QmpEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A subscription never loses an event to a waiter that gave up while the event was on its way to it. */
@Timeout(10)
class SubscriptionTest {

    private final HashedWheelTimer timer = new HashedWheelTimer();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Executor executor = tasks::add;

    @AfterEach
    void tearDown() {
        timer.stop();
    }

    private final java.util.List<QmpEvent> lost = new java.util.ArrayList<>();

    private Subscription subscription() {
        return subscription(16, OverflowPolicy.DROP_OLDEST);
    }

    private Subscription subscription(int capacity, OverflowPolicy policy) {
        return new Subscription(Set.of(), e -> true, capacity, policy, null, executor, timer, "test ", s -> { }, lost::add);
    }

    private static QmpEvent event(int i) {
        return new QmpEvent("MIGRATION_PASS", IntNode.valueOf(i), Instant.EPOCH);
    }

    private void runTasks() {
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
    }

    @Test
    void anEventHandedToAWaiterWhoseDeadlinePassedMeanwhileIsKept() {
        Subscription s = subscription();
        CompletableFuture<QmpEvent> waiter = s.next(Duration.ofSeconds(30));
        s.offer(event(1));                       // taken for the waiter; its completion is queued on the executor
        waiter.completeExceptionally(new QmpTimeoutException("waiting for an event", Duration.ofSeconds(30))); // the deadline wins
        runTasks();
        assertEquals(Optional.of(1), s.poll().map(e -> e.data().asInt()), "the event is still there for the next look");
        assertEquals(0, s.dropped(), "and not counted as dropped");
        assertEquals(java.util.List.of(), lost, "nor reported as dropped");
    }

    @Test
    void eachDroppedEventIsReportedOnceWithTheEventLostByThePolicy() {
        Subscription oldest = subscription(2, OverflowPolicy.DROP_OLDEST);
        for (int i = 1; i <= 4; i++) {
            oldest.offer(event(i));
        }
        assertEquals(java.util.List.of(1, 2), lost.stream().map(e -> e.data().asInt()).toList(), "the oldest go");
        lost.clear();
        Subscription newest = subscription(2, OverflowPolicy.DROP_NEWEST);
        for (int i = 1; i <= 4; i++) {
            newest.offer(event(i));
        }
        assertEquals(java.util.List.of(3, 4), lost.stream().map(e -> e.data().asInt()).toList(), "the newest go");
        assertEquals(2, newest.dropped());
        assertEquals(1, newest.poll().orElseThrow().data().asInt());
        assertEquals(2, newest.poll().orElseThrow().data().asInt());
    }

    @Test
    void itGoesToTheNextWaiterWhenThereIsOne() {
        Subscription s = subscription();
        CompletableFuture<QmpEvent> first = s.next();
        s.offer(event(1));
        first.cancel(false);                     // the first waiter gave up
        CompletableFuture<QmpEvent> second = s.next();
        runTasks();
        assertTrue(second.isDone() && second.join().data().asInt() == 1, "the second waiter gets it");
    }

    @Test
    void aKeptEventStaysAheadOfLaterOnes() {
        Subscription s = subscription();
        CompletableFuture<QmpEvent> waiter = s.next();
        s.offer(event(1));
        waiter.cancel(false);
        s.offer(event(2));                       // no waiter: queued
        runTasks();
        assertEquals(1, s.poll().orElseThrow().data().asInt());
        assertEquals(2, s.poll().orElseThrow().data().asInt());
    }
}
