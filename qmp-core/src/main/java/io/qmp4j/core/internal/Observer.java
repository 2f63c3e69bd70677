package io.qmp4j.core.internal;

import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpListener;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.event.QmpEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells one client's {@link QmpListener} and JFR what the session does. A listener's exception
 * is logged, never passed on; JFR events cost a check when no recording wants them.
 */
public final class Observer {

    private static final Logger log = LoggerFactory.getLogger(Observer.class);

    private final QmpEndpoint endpoint;
    private final QmpListener listener;
    private final String endpointText;

    public Observer(QmpEndpoint endpoint, QmpListener listener) {
        this.endpoint = endpoint;
        this.listener = listener;
        this.endpointText = endpoint.toString();
    }

    /** @return an observer that only feeds JFR */
    public static Observer jfrOnly(QmpEndpoint endpoint) {
        return new Observer(endpoint, QmpListener.NONE);
    }

    /**
     * @return whether JFR runs in this JVM: until it does, no event class is touched, since
     *         loading the first one makes JFR set up its metadata (~0.1 s of a cold JVM); a
     *         recording started later (jcmd JFR.start) makes this true from then on
     */
    static boolean recording() {
        return FlightRecorder.isInitialized();
    }

    void state(QmpState from, QmpState to) {
        if (recording()) {
            SessionStateEvent e = new SessionStateEvent();
            if (e.shouldCommit()) {
                e.endpoint = endpointText;
                e.from = from.name();
                e.to = to.name();
                e.commit();
            }
        }
        if (listener != QmpListener.NONE) {
            safely(() -> listener.stateChanged(endpoint, from, to));
        }
    }

    void event(QmpEvent event) {
        if (recording()) {
            commit(new ReceivedEvent(), event);
        }
        if (listener != QmpListener.NONE) {
            safely(() -> listener.eventReceived(endpoint, event));
        }
    }

    void dropped(QmpEvent event) {
        if (recording()) {
            commit(new DroppedEvent(), event);
        }
        if (listener != QmpListener.NONE) {
            safely(() -> listener.eventDropped(endpoint, event));
        }
    }

    private void commit(NamedEvent e, QmpEvent event) {
        if (e.shouldCommit()) {
            e.endpoint = endpointText;
            e.name = event.name();
            e.commit();
        }
    }

    /**
     * Watches a command from now until its future completes.
     *
     * @return {@code f} itself (so that a caller blocked in it keeps the fast path)
     */
    public <R> CompletableFuture<R> command(String name, CompletableFuture<R> f) {
        CommandEvent e = recording() ? new CommandEvent() : null;
        boolean jfr = e != null && e.isEnabled();
        if (!jfr && listener == QmpListener.NONE) {
            return f;
        }
        long start = System.nanoTime();
        if (jfr) {
            e.begin();
        }
        if (listener != QmpListener.NONE) {
            safely(() -> listener.commandStarted(endpoint, name));
        }
        f.whenComplete((r, t) -> {
            if (jfr) {
                e.end();
                if (e.shouldCommit()) {
                    e.endpoint = endpointText;
                    e.command = name;
                    e.outcome = t == null ? "ok" : t instanceof QmpCommandException q ? q.errorClass().name() : t.getClass().getSimpleName();
                    e.commit();
                }
            }
            if (listener != QmpListener.NONE) {
                Duration latency = Duration.ofNanos(System.nanoTime() - start);
                safely(() -> listener.commandCompleted(endpoint, name, latency, t));
            }
        });
        return f;
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ex) {
            log.warn("[{}] a QmpListener threw; ignored", endpointText, ex);
        }
    }

    /** A QMP command, from execute to its outcome. */
    @Name("io.qmp4j.Command")
    @Label("QMP Command")
    @Category({"qmp4j", "QMP"})
    @Description("A command sent to QEMU and its outcome; the duration includes time queued client-side")
    static final class CommandEvent extends Event {
        @Label("Endpoint")
        String endpoint;
        @Label("Command")
        String command;
        @Label("Outcome")
        @Description("ok, QEMU's error class, or the exception's class (a timeout, a disconnect)")
        String outcome;
    }

    /** A session's state change. */
    @Name("io.qmp4j.SessionState")
    @Label("QMP Session State")
    @Category({"qmp4j", "QMP"})
    static final class SessionStateEvent extends Event {
        @Label("Endpoint")
        String endpoint;
        @Label("From")
        String from;
        @Label("To")
        String to;
    }

    /** A JFR event about one QMP event. */
    abstract static class NamedEvent extends Event {
        @Label("Endpoint")
        String endpoint;
        @Label("Name")
        String name;
    }

    /** An event from QEMU. */
    @Name("io.qmp4j.QmpEvent")
    @Label("QMP Event")
    @Category({"qmp4j", "QMP"})
    static final class ReceivedEvent extends NamedEvent {
    }

    /** An event a full subscription lost. */
    @Name("io.qmp4j.EventDropped")
    @Label("QMP Event Dropped")
    @Category({"qmp4j", "QMP"})
    static final class DroppedEvent extends NamedEvent {
    }
}
