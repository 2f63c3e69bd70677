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
import io.qmp4j.core.event.QmpEvent;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands and their replies, the last handler of the pipeline: ids, the pending map, the
 * in-band window (with out-of-band commands passing it), deadlines, and events handed to the
 * {@link EventHub}; the {@link Outbox} puts commands on the socket. A command is sent on the
 * thread that submits it, under {@link #lock} (which every field below it is guarded by), so that
 * ids, the window and the bytes on the wire keep one order; replies are read on the event loop.
 * User futures complete on the callback executor or on the thread blocked in them
 * ({@link ReplyFuture}), never on the event loop.
 */
final class Correlator extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Correlator.class);
    private static final Logger wire = LoggerFactory.getLogger("io.qmp4j.core.wire");

    private final SessionConfig cfg;
    private final Lifecycle life;
    private final EventHub hub;
    private final Observer observer;
    private final Wire encoder = new Wire();

    private final Object lock = new Object();
    private ChannelHandlerContext ctx;
    private SocketChannel direct;
    private Outbox outbox;
    private final LongObjectHashMap<Pending> pending = new LongObjectHashMap<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inBandOnWire;
    private int window;
    /**
     * Ids count from 1; the benchmark's 45-byte form ({@code -Dio.qmp4j.core.firstCommandId=1000000000000},
     * 13 digits) sends commands as long as a client with string ids such as {@code "__qmp#00001"}.
     */
    private long nextId = Math.max(Handshake.NEGOTIATION_ID + 1, Long.getLong("io.qmp4j.core.firstCommandId", 1));
    private boolean finished;
    private final Completions completions; // I/O thread only

    Correlator(SessionConfig cfg, Lifecycle life, EventHub hub, Observer observer) {
        this.cfg = cfg;
        this.life = life;
        this.hub = hub;
        this.observer = observer;
        this.completions = new Completions(cfg.executor());
    }

    /** The session runs: at most {@code inBandWindow} in-band commands on the wire from now on. */
    void open(int inBandWindow) {
        synchronized (lock) {
            window = inBandWindow;
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
            this.outbox = new Outbox(lock, ctx, direct, this::writeFailed);
        }
    }

    // ---------------------------------------------------------------- sending

    /** Encodes and queues a command; the deadline covers the whole wait, including time queued client-side. */
    @SuppressWarnings("unchecked")
    <R> CompletableFuture<R> submit(QmpCommand<R> command, ObjectNode args, Duration timeout, FileDescriptor[] fds) {
        boolean useOob = life.oob() && command.allowOob();
        Pending p;
        CompletableFuture<Object> f = new ReplyFuture();
        try {
            p = new Pending(command.commandName(), encoder.command(command.commandName(), args, useOob), useOob, fds,
                    Json.MAPPER.constructType(command.resultType()), command.resultDecoder(), f, command.completesOnDisconnect());
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
            } else if (p.oob || inBandOnWire < window) {
                write(p);
            } else {
                waiting.addLast(p);
            }
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) f;
    }

    /** Moves queued in-band commands onto the wire while the window allows. Holding the lock. */
    private void pump() {
        while (inBandOnWire < window && !waiting.isEmpty()) {
            write(waiting.removeFirst());
        }
    }

    /** Gives the command its id and sends it. Holding the lock. */
    private void write(Pending p) {
        if (p.future.isDone()) {
            return; // cancelled or timed out while queued: never sent
        }
        long id = nextId++;
        p.id = id;
        p.onWire = true;
        if (!p.oob) {
            inBandOnWire++;
        }
        pending.put(id, p);
        byte[] idText = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(p.prefix, p.prefix.length + idText.length + 1);
        System.arraycopy(idText, 0, bytes, p.prefix.length, idText.length);
        bytes[bytes.length - 1] = '}';
        if (wire.isTraceEnabled()) {
            wire.trace("{}--> {}", life.prefix(), Redaction.redact(new String(bytes, StandardCharsets.UTF_8))
                    + (p.fds != null ? " (+" + p.fds.length + " fd)" : ""));
        }
        try {
            outbox.send(p, bytes);
        } catch (IOException e) {
            writeFailed(p, e);
        }
    }

    /** A command could not be written: it fails, and the session ends (its socket is broken). */
    private void writeFailed(Pending p, IOException e) {
        synchronized (lock) {
            if (pending.remove(p.id) != null && !p.oob) {
                inBandOnWire--;
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
                waiting.remove(p);
            }
        }
        fail(p, new QmpTimeoutException(p.toString(), t));
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ObjectNode obj = (ObjectNode) msg;
        JsonNode eventName = obj.get("event");
        if (eventName != null) {
            QmpEvent e = Wire.event(eventName.asText(), obj);
            observer.event(e);
            hub.publish(e);
            return;
        }
        JsonNode id = obj.get("id");
        JsonNode error = obj.get("error");
        if (error != null && id == null) {
            life.protocolError(ctx, Wire.unparsedInput(error));
            return;
        }
        if (error == null && !obj.has("return")) {
            log.warn("{}ignoring a message that is neither a reply nor an event: {}", life.prefix(), Wire.abbreviate(obj));
            return;
        }
        Pending p;
        synchronized (lock) {
            p = id != null && id.isIntegralNumber() ? pending.remove(id.asLong()) : null;
            if (p != null && !p.oob) {
                inBandOnWire--;
            }
            pump();
        }
        if (p == null) {
            log.warn("{}dropping a reply with an id this client never sent: {}", life.prefix(), Wire.abbreviate(obj));
            return;
        }
        reply(p, obj);
    }

    private void reply(Pending p, ObjectNode obj) {
        if (p.timeout != null) {
            p.timeout.cancel();
        }
        if (p.timedOut) {
            log.debug("{}dropping the late reply of {}, which timed out", life.prefix(), p);
            return;
        }
        Runnable done = ReplyFuture.once(() -> p.complete(obj));
        // A caller blocked on the future takes the reply itself; else the callback executor
        // completes it, with the other replies of this read (channelReadComplete).
        if (!(p.future instanceof ReplyFuture rf && rf.handOff(done))) {
            completions.add(done);
        }
    }

    /** The end of a read: its replies complete, together ({@link Completions}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        completions.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        life.protocolError(ctx, life.classify(cause));
    }

    private void fail(Pending p, QmpException ex) {
        if (p.timeout != null) {
            p.timeout.cancel();
        }
        Callbacks.run(cfg.executor(), () -> p.future.completeExceptionally(ex));
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
            all.addAll(waiting);
            pending.clear();
            waiting.clear();
        }
        for (Pending p : all) {
            if (p.timedOut) {
                continue;
            }
            if (p.completesOnDisconnect && p.onWire && cleanDisconnect) {
                if (p.timeout != null) {
                    p.timeout.cancel();
                }
                Callbacks.run(cfg.executor(), () -> p.future.complete(null));
            } else {
                fail(p, ex);
            }
        }
    }
}
