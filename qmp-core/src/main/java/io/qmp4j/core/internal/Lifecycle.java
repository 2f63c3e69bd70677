package io.qmp4j.core.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.Timeout;
import io.qmp4j.core.Greeting;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.QmpTimeoutException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one session as an explicit state machine ({@link QmpState}, forward only), the
 * futures that report it (connected, closed), the connect deadline, and what ended the session:
 * the first failure recorded wins and every pending call fails with it.
 */
final class Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
    /** The moves a session may make; anything may move to {@code CLOSED} when the channel goes. */
    private static final Map<QmpState, Set<QmpState>> NEXT = Map.of(
            QmpState.IDLE, EnumSet.of(QmpState.CONNECTING, QmpState.CLOSED),
            QmpState.CONNECTING, EnumSet.of(QmpState.NEGOTIATING, QmpState.CLOSING, QmpState.CLOSED),
            QmpState.NEGOTIATING, EnumSet.of(QmpState.RUNNING, QmpState.CLOSING, QmpState.CLOSED),
            QmpState.RUNNING, EnumSet.of(QmpState.CLOSING, QmpState.CLOSED),
            QmpState.CLOSING, EnumSet.of(QmpState.CLOSED),
            QmpState.CLOSED, EnumSet.noneOf(QmpState.class));

    private final SessionConfig cfg;
    private final String prefix;
    private final AtomicReference<QmpState> state = new AtomicReference<>(QmpState.IDLE);
    /** Completed on the callback executor, or by the thread blocked in its {@code get()} (one wake-up less per connect). */
    private final ReplyFuture connected = new ReplyFuture();
    private final CompletableFuture<QmpDisconnectedException> closed = new CompletableFuture<>();
    private volatile Greeting greeting;
    private volatile boolean oob;
    private volatile boolean socketConnected;
    private volatile boolean userClosed;
    private volatile QmpException failure;
    private volatile Timeout connectDeadline;

    private final Observer observer;

    Lifecycle(SessionConfig cfg, Observer observer) {
        this.cfg = cfg;
        this.observer = observer;
        this.prefix = "[" + cfg.name() + "] ";
    }

    QmpState state() {
        return state.get();
    }

    /** Moves {@code from} → {@code to} if the session is in {@code from}; a move the machine does not have is a bug. */
    boolean move(QmpState from, QmpState to) {
        if (!NEXT.get(from).contains(to)) {
            throw new IllegalStateException("no move from " + from + " to " + to);
        }
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        observer.state(from, to);
        return true;
    }

    Greeting greeting() {
        return greeting;
    }

    boolean oob() {
        return oob;
    }

    String prefix() {
        return prefix;
    }

    @SuppressWarnings("unchecked")
    CompletableFuture<Greeting> connected() {
        return (CompletableFuture<Greeting>) (CompletableFuture<?>) connected;
    }

    CompletableFuture<QmpDisconnectedException> closed() {
        return closed;
    }

    boolean userClosed() {
        return userClosed;
    }

    QmpException failure() {
        return failure;
    }

    void socketConnected() {
        socketConnected = true;
    }

    /** Keeps the first reason the session failed for; later ones are consequences. */
    void fail(QmpException ex) {
        if (failure == null) {
            failure = ex;
        }
    }

    /** Ends the session for a protocol failure: every pending call fails with {@code ex}. */
    void protocolError(ChannelHandlerContext ctx, QmpException ex) {
        if (failure == null) {
            failure = ex;
            if (!(ex instanceof QmpDisconnectedException)) {
                log.debug("{}ending the session: {}", prefix, ex.getMessage()); // every pending call fails with it
            }
        }
        ctx.close();
    }

    void startDeadline(Runnable onDeadline) {
        connectDeadline = cfg.timer().newTimeout(t -> onDeadline.run(), cfg.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The greeting arrived: negotiation starts. */
    void greeted(Greeting g, boolean useOob) {
        greeting = g;
        oob = useOob;
        move(QmpState.CONNECTING, QmpState.NEGOTIATING);
    }

    /** Negotiation succeeded: the session runs and {@code connect()} completes, unless it is closing already. */
    void running() {
        if (!move(QmpState.NEGOTIATING, QmpState.RUNNING)) {
            return;
        }
        cancelDeadline();
        log.debug("{}session running (oob {})", prefix, oob ? "on" : "off");
        Greeting g = greeting;
        Runnable done = () -> connected.complete(g);
        if (!connected.handOff(done)) {
            Callbacks.run(cfg.executor(), done);
        }
    }

    /** @return the failure for a connect that did not finish in time, saying how far it got */
    QmpConnectException deadlinePassed() {
        QmpEndpoint ep = cfg.endpoint();
        long ms = cfg.connectTimeout().toMillis();
        String msg;
        if (state.get() == QmpState.NEGOTIATING) {
            msg = "QEMU at " + ep + " did not answer qmp_capabilities within " + ms + " ms";
        } else if (socketConnected) {
            msg = "connected to " + ep + " but no QMP greeting arrived within " + ms
                    + " ms: the monitor is probably in use by another client (QEMU serves one client per monitor socket"
                    + " and greets the next only when the first leaves)";
        } else {
            msg = "could not connect to " + ep + " within " + ms + " ms";
        }
        return new QmpConnectException(ep, msg, new QmpTimeoutException("connect to " + ep, cfg.connectTimeout()));
    }

    /**
     * The caller closes: moves to {@code CLOSING} (or straight to {@code CLOSED} before any connect).
     *
     * @return whether there is a channel to close
     */
    boolean requestClose() {
        while (true) {
            QmpState s = state.get();
            if (s == QmpState.CLOSED || s == QmpState.CLOSING) {
                return false;
            }
            if (s == QmpState.IDLE) {
                if (move(s, QmpState.CLOSED)) {
                    ended(new QmpDisconnectedException("client closed before it connected", null));
                    return false;
                }
                continue;
            }
            if (move(s, QmpState.CLOSING)) {
                userClosed = true;
                return true;
            }
        }
    }

    /** @return the exception every pending call fails with, saying why the session ended */
    QmpDisconnectedException disconnected() {
        QmpException f = failure;
        if (f instanceof QmpDisconnectedException d) {
            return d;
        }
        String msg;
        if (f != null) {
            msg = "session with " + cfg.endpoint() + " ended: " + f.getMessage();
        } else if (userClosed) {
            msg = "client closed";
        } else {
            msg = "connection closed by " + cfg.endpoint() + " (QEMU quit or was killed?)";
        }
        return new QmpDisconnectedException(msg, f);
    }

    /** The channel is gone: {@code CLOSED}, and {@code connect()} fails if it had not completed. */
    void channelClosed(QmpDisconnectedException ex) {
        QmpState before = state.getAndSet(QmpState.CLOSED);
        if (before != QmpState.CLOSED) {
            observer.state(before, QmpState.CLOSED);
        }
        cancelDeadline();
        log.debug("{}session closed: {}", prefix, ex.getMessage());
        if (!connected.isDone()) {
            QmpException f = failure;
            QmpException connectFailure = f != null && !(f instanceof QmpDisconnectedException) ? f
                    : new QmpConnectException(cfg.endpoint(), userClosed ? "client closed while connecting"
                    : "connection to " + cfg.endpoint() + " closed before the QMP session was set up", ex);
            Callbacks.run(cfg.executor(), () -> connected.completeExceptionally(connectFailure));
        }
    }

    /** Completes the close future, last. */
    void ended(QmpDisconnectedException ex) {
        Callbacks.run(cfg.executor(), () -> closed.complete(ex));
    }

    /** What a failure raised in the pipeline means for the caller. */
    QmpException classify(Throwable cause) {
        return Failures.classify(cause, cfg, state.get(), prefix);
    }

    private void cancelDeadline() {
        Timeout t = connectDeadline;
        if (t != null) {
            t.cancel();
            connectDeadline = null; // an idle session does not keep the timeout and its task (~100 bytes)
        }
    }
}
