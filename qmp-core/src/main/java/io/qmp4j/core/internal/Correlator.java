package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.collection.LongObjectHashMap;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.QmpTimeoutException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands and their replies, the last handler of the pipeline: ids, the pending map, the
 * {@link InBandWindow} and deadlines; the {@link Outbox} puts
 * commands on the socket, the {@link Inbound} before it takes the events. A command is sent on the
 * thread that submits it, under {@link #lock} (which every field below it is guarded by), so that
 * ids, the window and the bytes on the wire keep one order; replies are read on the event loop, or
 * by a caller blocked on one ({@link ReadTurn}).
 * User futures complete on the callback executor or on the thread blocked in them
 * ({@link ReplyFuture}); replies complete them on the event loop only with {@code repliesOnIoThread}.
 */
final class Correlator extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Correlator.class);

    private final SessionConfig cfg;
    private final Lifecycle life;
    private final Wire encoder = new Wire();

    private final Object lock = new Object();
    private ChannelHandlerContext ctx;
    private SocketChannel direct;
    private Outbox outbox;
    private final LongObjectHashMap<Pending> pending = new LongObjectHashMap<>();
    private final InBandWindow window = new InBandWindow();
    /**
     * Ids count from 1; the benchmark's 45-byte form ({@code -Dio.qmp4j.core.firstCommandId=1000000000000},
     * 13 digits) sends commands as long as a client with string ids such as {@code "__qmp#00001"}.
     */
    private long nextId = Math.max(Handshake.NEGOTIATION_ID + 1, Long.getLong("io.qmp4j.core.firstCommandId", 1));
    private boolean finished;
    /** Replies that no blocked caller took: completed at the end of the read, on the callback executor or here. */
    private final Completions completions;

    Correlator(SessionConfig cfg, Lifecycle life) {
        this.cfg = cfg;
        this.life = life;
        this.completions = new Completions(cfg.repliesOnIoThread() ? Runnable::run : cfg.executor());
    }

    /** The handshake's {@code qmp_capabilities}, on the I/O thread before any command. */
    void sendNegotiation(byte[] cmd) {
        synchronized (lock) {
            outbox.sendFirst(cmd);
        }
    }

    /** The session runs: at most {@code inBandWindow} in-band commands on the wire from now on. */
    void open(int inBandWindow) {
        synchronized (lock) {
            window.open(inBandWindow);
        }
    }

    /** Before the channel is registered: commands may be written straight to this JDK channel. */
    void writeDirectlyTo(SocketChannel channel) {
        this.direct = channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        synchronized (lock) {
            this.ctx = ctx;
            this.outbox = new Outbox(lock, ctx, direct, this::writeFailed, life.prefix());
        }
    }

    // ---------------------------------------------------------------- sending

    /**
     * Encodes and queues a command; the deadline covers the whole wait, including time queued client-side.
     *
     * @param waiting how a thread blocked on its future waits ({@link ReadTurn}), or null to park
     */
    @SuppressWarnings("unchecked")
    <R> CompletableFuture<R> submit(QmpCommand<R> command, ObjectNode args, Duration timeout, FileDescriptor[] fds,
            ReplyFuture.Waiting waiting) {
        boolean useOob = life.oob() && command.allowOob();
        Pending p;
        try {
            p = Pending.of(command, encoder.command(command.commandName(), args, useOob), useOob, fds, waiting);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        Duration t = timeout == null ? cfg.commandTimeout() : timeout;
        if (!t.isZero() && !t.isNegative()) {
            p.timeout = cfg.timer().newTimeout(x -> expire(p, t), t.toNanos(), TimeUnit.NANOSECONDS);
        }
        synchronized (lock) {
            if (finished || outbox == null || life.state() != QmpState.RUNNING) {
                fail(p, life.disconnected());
            } else if (window.admits(p)) {
                if (assign(p)) {
                    outbox.sendAll(List.of(p));
                }
            } else {
                window.queue(p);
            }
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) p.future;
    }

    /** Moves queued in-band commands onto the wire when the window has room for them ({@link InBandWindow#refill}). Holding the lock. */
    private void pump() {
        List<Pending> burst = window.refill(this::assign);
        if (!burst.isEmpty()) {
            outbox.sendAll(burst);
        }
    }

    /** @return whether the command gets an id and goes on the wire (not when cancelled or timed out while queued) */
    private boolean assign(Pending p) {
        if (p.future.isDone()) {
            return false;
        }
        p.id = nextId++;
        p.onWire = true;
        window.sent(p);
        pending.put(p.id, p);
        return true;
    }

    /** A command could not be written: it fails, and the session ends (its socket is broken). */
    private void writeFailed(Pending p, IOException e) {
        synchronized (lock) {
            if (pending.remove(p.id) != null) {
                window.done(p);
            }
        }
        fail(p, new QmpDisconnectedException((p.fds != null ? "cannot pass file descriptors: " : "cannot send " + p + ": ")
                + e.getMessage(), e));
        if (p.fds == null) {
            try {
                ctx.executor().execute(ctx::close);
            } catch (RejectedExecutionException closedAnyway) {
                // the loop has shut down: the channel is gone with it
            }
        }
    }

    /** The timer thread: a command's deadline passed. */
    private void expire(Pending p, Duration t) {
        synchronized (lock) {
            if (p.future.isDone()) {
                return;
            }
            if (p.onWire) {
                p.timedOut = true; // QEMU still holds the command; keep its slot until the late reply frees it
            } else {
                window.dequeue(p);
            }
        }
        fail(p, new QmpTimeoutException(p.toString(), t));
    }

    // ---------------------------------------------------------------- receiving

    /**
     * A reply ({@link Inbound} took the events): its command completes. On whichever thread reads
     * the socket, holding its turn ({@link ReadTurn}): the event loop, or a caller blocked on a reply.
     */
    void replied(ObjectNode obj) {
        JsonNode id = obj.get("id");
        Pending p;
        synchronized (lock) {
            p = id != null && id.isIntegralNumber() ? pending.remove(id.asLong()) : null;
            if (p != null) {
                window.done(p);
            }
            pump();
        }
        if (p == null) {
            log.warn("{}dropping a reply with an id this client never sent: {}", life.prefix(), Wire.abbreviate(obj));
        } else {
            completions.reply(p, obj, life.prefix());
        }
    }

    /**
     * The end of a read on the event loop: its replies complete, together ({@link Completions}).
     * On a direct session, whose callers may read ({@link ReadTurn}; {@code Connector.reads}
     * decides, and sets {@link #direct}), the loop flushes at the end of its turn instead,
     * before a caller can add the replies of its own read to the batch.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (direct == null) {
            flushCompletions();
        }
        ctx.fireChannelReadComplete();
    }

    /** The end of a read by whichever thread holds the turn ({@link ReadTurn}): the replies it read for others complete. */
    void flushCompletions() {
        completions.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        life.protocolError(ctx, life.classify(cause));
    }

    private void fail(Pending p, QmpException ex) {
        p.fail(cfg.executor(), ex);
    }

    // ---------------------------------------------------------------- the end

    /**
     * The channel closed: every call on the wire or queued fails at once with {@code ex}, except
     * those that a clean disconnect by QEMU completes ({@code quit}). I/O thread.
     *
     * @param cleanDisconnect whether QEMU closed the connection with nothing gone wrong and the caller did not close it
     */
    void endAll(QmpDisconnectedException ex, boolean cleanDisconnect) {
        completions.flush(); // replies read before the end complete first
        List<Pending> all;
        synchronized (lock) {
            finished = true;
            all = new ArrayList<>(pending.values());
            all.addAll(window.drain());
            pending.clear();
        }
        for (Pending p : all) {
            p.end(cfg.executor(), ex, cleanDisconnect);
        }
    }
}
