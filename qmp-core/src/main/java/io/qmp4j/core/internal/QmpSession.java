package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.qmp4j.core.Greeting;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.QmpStateException;
import java.io.FileDescriptor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QMP session, put together from its parts: the {@link Connector} opens the channel, the
 * {@link FrameReader} cuts what arrives into JSON objects, the {@link Handshake} reads the
 * greeting and negotiates (then leaves the pipeline), the {@link Inbound} hands events on, the {@link Correlator} matches replies to commands, the {@link Lifecycle}
 * keeps the state and ends every pending call at once when the channel goes, and the
 * {@link ReadTurn} lets a caller blocked on a reply read the socket itself. This class is
 * the end of the command path: commands arrive checked and encoded, and go to the wire.
 */
public final class QmpSession {

    private static final Logger log = LoggerFactory.getLogger(QmpSession.class);

    private final SessionConfig cfg;
    private final EventHub hub;
    private final Lifecycle life;
    private final Correlator correlator;
    private final ReadTurn turn;
    private final Connector.Parts parts;
    private final Connector connector;
    private volatile Channel channel;
    /** The socket's connect, until it is done: a channel closed by a failed connect waits for its reason. */
    private volatile ChannelFuture connecting;
    private boolean finished; // I/O thread only

    public QmpSession(SessionConfig cfg, EventHub hub) {
        this(cfg, hub, Observer.jfrOnly(cfg.endpoint()));
    }

    /** @param observer tells the client's listener and JFR what the session does */
    public QmpSession(SessionConfig cfg, EventHub hub, Observer observer) {
        this.cfg = cfg;
        this.hub = hub;
        this.life = new Lifecycle(cfg, observer);
        this.correlator = new Correlator(cfg, life);
        Inbound inbound = new Inbound(life, hub, observer, correlator);
        FrameReader frames = new FrameReader(cfg.maxFrameBytes(), life.prefix());
        this.turn = new ReadTurn(life.prefix(), frames, inbound::frame, correlator::flushCompletions, inbound::failed);
        this.parts = new Connector.Parts(frames, new Handshake(cfg, life, correlator, turn), inbound, correlator, turn);
        this.connector = new Connector(cfg);
    }

    public QmpState state() {
        return life.state();
    }

    public Greeting greeting() {
        return life.greeting();
    }

    public boolean oobEnabled() {
        return life.oob();
    }

    /** Completes, never exceptionally, when the session has ended, with what ended it. */
    public CompletableFuture<QmpDisconnectedException> closeFuture() {
        return life.closed();
    }

    /** Connects, greets and negotiates within the connect deadline. */
    public CompletableFuture<Greeting> connect() {
        if (!life.move(QmpState.IDLE, QmpState.CONNECTING)) {
            return CompletableFuture.failedFuture(new QmpStateException("connect", life.state(), QmpState.IDLE));
        }
        ChannelFuture cf;
        try {
            // The connect's listener first: a connect that failed at once (an unresolvable host)
            // has its reason recorded before the close that Netty makes of it is handled.
            cf = connector.open(parts, f -> {
                if (f.isSuccess()) {
                    life.socketConnected();
                    log.debug("{}socket connected, awaiting greeting", life.prefix());
                } else {
                    failConnect(f.channel(), connectFailure(f.cause())); // on the loop, maybe before run()
                }
            });
        } catch (QmpConnectException e) {
            life.move(QmpState.CONNECTING, QmpState.CLOSED);
            QmpDisconnectedException ex = new QmpDisconnectedException("never connected", e);
            hub.end(ex);
            life.ended(ex);
            return CompletableFuture.failedFuture(e);
        }
        connecting = cf;
        run(cf.channel());
        return life.connected();
    }

    private QmpConnectException connectFailure(Throwable cause) {
        return new QmpConnectException(cfg.endpoint(), "cannot connect to " + cfg.endpoint() + ": " + Connector.reason(cause), cause);
    }

    /**
     * Runs the session over a channel that is already connected (tests use Netty's
     * {@code EmbeddedChannel}). The connect deadline applies as in {@link #connect()}.
     */
    public CompletableFuture<Greeting> attach(Channel ch) {
        if (!life.move(QmpState.IDLE, QmpState.CONNECTING)) {
            return CompletableFuture.failedFuture(new QmpStateException("attach", life.state(), QmpState.IDLE));
        }
        life.socketConnected();
        run(ch);
        connector.install(ch, null, parts);
        return life.connected();
    }

    private void run(Channel ch) {
        channel = ch;
        if (life.userClosed()) {
            // close() ran before the channel was known here, so it could not close it. Both
            // fields are volatile, each side writes its own before it reads the other's: one of
            // them sees the other and closes (both may: a second close does nothing).
            ch.close();
        }
        ch.closeFuture().addListener(f -> finish());
        life.startDeadline(() -> {
            if (!life.connected().isDone()) {
                failConnect(ch, life.deadlinePassed());
            }
        });
    }

    /**
     * Sends a command. The returned future is completed on the callback executor, or by the
     * thread that waits for it in {@code get()} or {@code join()} (see {@link ReplyFuture}).
     *
     * @param fds descriptors to pass with SCM_RIGHTS right before the command, or {@code null}
     */
    public <R> CompletableFuture<R> submit(QmpCommand<R> command, Duration timeout, FileDescriptor[] fds) {
        ObjectNode args;
        try {
            args = Json.arguments(command);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(command, args, timeout, fds);
    }

    /** As {@link #submit(QmpCommand, Duration, FileDescriptor[])} with the arguments already serialized. */
    public <R> CompletableFuture<R> submit(QmpCommand<R> command, ObjectNode args, Duration timeout, FileDescriptor[] fds) {
        QmpState s = life.state();
        if (s != QmpState.RUNNING) {
            return CompletableFuture.failedFuture(new QmpStateException("executing '" + command.commandName() + "'", s, QmpState.RUNNING));
        }
        Channel ch = channel;
        if (fds != null && !(ch instanceof UnixNioChannel)) {
            return CompletableFuture.failedFuture(cfg.endpoint() instanceof QmpEndpoint.Unix
                    ? new IllegalStateException("passing file descriptors needs a client built with fdPassing(true): "
                    + cfg.endpoint() + " runs on the JDK's UNIX channel, which cannot carry them")
                    : new IllegalArgumentException("file descriptors can only be passed over a UNIX socket, not " + cfg.endpoint()));
        }
        // A caller blocked on the reply may read it itself; not with repliesOnIoThread, whose
        // completions would then run other callers' callbacks on its thread.
        return correlator.submit(command, args, timeout, fds, cfg.repliesOnIoThread() ? null : turn.forCallers());
    }

    /** Closes the channel; pending calls fail with {@link QmpDisconnectedException}. */
    public CompletableFuture<Void> close() {
        if (life.requestClose()) {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }
        return life.closed().thenApply(x -> null);
    }

    private void failConnect(Channel ch, QmpException ex) {
        Runnable r = () -> {
            life.fail(ex);
            ch.close();
        };
        try {
            if (ch.eventLoop().inEventLoop()) {
                r.run();
            } else {
                ch.eventLoop().execute(r);
            }
        } catch (RuntimeException e) { // not registered, or the loop is shut down
            r.run();
        }
    }

    /** Runs once, on the I/O thread, when the channel has closed for whatever reason. */
    private void finish() {
        if (finished) {
            return;
        }
        ChannelFuture c = connecting;
        if (c != null && !c.isDone()) {
            // Netty closes the channel before it fails the connect (an unresolvable host): finish
            // once the connect's failure, and with it the reason, is known.
            c.addListener(f -> finish());
            return;
        }
        finished = true;
        turn.close();
        if (c != null && !c.isSuccess() && life.failure() == null) {
            life.fail(connectFailure(c.cause())); // whichever listener ran first, the reason is the connect's
        }
        QmpDisconnectedException ex = life.disconnected();
        life.channelClosed(ex);
        correlator.endAll(ex, !life.userClosed() && life.failure() == null);
        hub.end(ex);
        life.ended(ex);
    }
}
