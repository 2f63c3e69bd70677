package io.qmp4j.migration.internal;

import io.qmp4j.core.CommandLock;
import io.qmp4j.core.QmpClient;
import io.qmp4j.migration.check.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects again to a monitor whose connection dropped while the migration runs: the stream
 * between the QEMUs does not depend on the controller's link, so a controller that loses it for
 * a while need not give the migration up. Each attempt is a new client with the lost one's
 * options; the first that connects takes its place, under a lock of its own, within the bound.
 * A QEMU that died refuses every attempt: it is taken for gone when the bound is over. The
 * clients made here are the job's, closed when it ends.
 */
final class Reconnector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

    private final Qmp qmp;
    private final Duration bound;
    private final String reason;
    private final List<AutoCloseable> made = new ArrayList<>();
    private final List<String> reconnects = new ArrayList<>();

    Reconnector(Qmp qmp, Duration bound, String job) {
        this.qmp = qmp;
        this.bound = bound;
        this.reason = "a migration of this VM is running (job " + job + ")";
    }

    /**
     * @param side the side whose monitor connection is lost
     * @return whether a new connection took its place within the bound
     */
    boolean reconnect(Side side) {
        QmpClient lost = qmp.client(side);
        if (lost == null || bound.isZero() || lost.state() == io.qmp4j.core.QmpState.RUNNING) {
            return false;
        }
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        int attempts = 0;
        while (System.nanoTime() < deadline) {
            attempts++;
            QmpClient c = lost.newBuilder().build();
            try {
                long left = Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                c.connect().get(Math.min(left, 5000), TimeUnit.MILLISECONDS);
                CommandLock lock = c.lock(Checks.LIFECYCLE_COMMANDS, reason);
                synchronized (made) {
                    made.add(lock);
                    made.add(c);
                }
                qmp.replace(side, c, lock);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                reconnects.add("reconnected to the " + side.label() + "'s monitor " + lost.endpoint() + " after " + ms + " ms ("
                        + attempts + " attempt(s))");
                log.info("the connection to the {}'s monitor {} dropped: reconnected after {} ms", side.label(), lost.endpoint(), ms);
                return true;
            } catch (Exception e) {
                c.close();
                log.debug("reconnect to {} (attempt {}): {}", lost.endpoint(), attempts, e.toString());
                sleep(200);
            }
        }
        log.info("the {}'s monitor {} did not come back within {}", side.label(), lost.endpoint(), bound);
        return false;
    }

    /**
     * @param f a failure of the job
     * @return the side whose lost monitor is connected again, or {@code null} when {@code f} is
     *         not a lost monitor, or it did not come back within the bound
     */
    Side lost(Failure f) {
        Side side = f.kind() == io.qmp4j.migration.FailureKind.SOURCE_GONE ? Side.SOURCE
                : f.kind() == io.qmp4j.migration.FailureKind.DESTINATION_GONE ? Side.DESTINATION : null;
        if (side == null || qmp.alive(side) || !reconnect(side)) {
            return null;
        }
        return side;
    }

    /** Before a step that needs both monitors: each lost one connected again, if it comes back in time. */
    void ensureBoth() {
        for (Side side : Side.values()) {
            if (qmp.has(side) && !qmp.alive(side)) {
                reconnect(side);
            }
        }
    }

    /** @return one line per reconnect, in order */
    List<String> reconnects() {
        return List.copyOf(reconnects);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        synchronized (made) {
            for (AutoCloseable c : made) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.debug("closing {}: {}", c, e.toString());
                }
            }
            made.clear();
        }
    }
}
