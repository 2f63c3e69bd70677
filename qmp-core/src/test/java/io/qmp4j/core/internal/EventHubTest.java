package io.qmp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.IntNode;
import io.netty.util.HashedWheelTimer;
import io.qmp4j.core.event.QmpEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How events reach listeners on the shared callback executor. */
@Timeout(10)
class EventHubTest {

    private final HashedWheelTimer timer = new HashedWheelTimer();

    @AfterEach
    void tearDown() {
        timer.stop();
    }

    @Test
    void aFloodedListenerMakesWayForOtherCallbacksAndKeepsItsOrder() {
        // A hand-run executor, so that the order of tasks is the test's to see.
        ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        Executor executor = tasks::add;
        EventHub hub = new EventHub(executor, timer, 0, "test ");
        List<String> seen = new ArrayList<>();
        hub.subscribe(Set.of(), e -> true, e -> seen.add("event " + e.data().asInt()));
        int flood = 3 * ListenerDelivery.DRAIN_BATCH + 5;
        for (int i = 0; i < flood; i++) {
            hub.publish(new QmpEvent("MIGRATION_PASS", IntNode.valueOf(i), Instant.EPOCH));
        }
        // Say, the reply of another session's command, completed after the flood began.
        executor.execute(() -> seen.add("completion"));
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        assertEquals(flood + 1, seen.size());
        assertEquals(ListenerDelivery.DRAIN_BATCH, seen.indexOf("completion"),
                "the completion waits for one batch of events, not for the whole flood");
        seen.remove("completion");
        for (int i = 0; i < flood; i++) {
            assertEquals("event " + i, seen.get(i));
        }
    }
}
