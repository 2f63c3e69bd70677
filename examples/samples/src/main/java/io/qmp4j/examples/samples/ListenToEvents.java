package io.qmp4j.examples.samples;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.QmpEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Connects to a QMP monitor and prints its events for a while.
 *
 * <pre>java -cp qmp4j-examples-all.jar io.qmp4j.examples.samples.ListenToEvents unix:/run/vm.qmp [SECONDS]</pre>
 */
public final class ListenToEvents {

    private ListenToEvents() {
    }

    public static void main(String[] args) throws Exception {
        // A client owns its I/O resources unless given shared ones; close() releases them.
        try (QmpClient qmp = QmpClient.builder().endpoint(QmpEndpoint.parse(args[0])).build()) {
            System.out.println("connected to " + qmp.connect().join().version());
            Duration listen = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
            // Each subscription has its own bounded queue: nobody else can take these events away.
            try (EventSubscription events = qmp.events().subscribe(Set.of())) {   // empty set: every event
                Instant end = Instant.now().plus(listen);
                while (Instant.now().isBefore(end)) {
                    try {
                        QmpEvent e = events.next(Duration.between(Instant.now(), end)).join();
                        System.out.println(e.timestamp() + " " + e.name() + " " + e.data());
                    } catch (java.util.concurrent.CompletionException timeOrEnd) {
                        break; // no event before the end, or QEMU went away
                    }
                }
            }
        }
    }
}
