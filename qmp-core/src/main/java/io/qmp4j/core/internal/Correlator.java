package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.collection.LongObjectHashMap;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.QmpTimeoutException;
import io.qmp4j.core.event.QmpEvent;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands and their replies, the last handler of the pipeline: ids, the pending map, the
 * in-band window (with out-of-band commands passing it), file descriptors riding on a command,
 * deadlines, and events handed to the {@link EventHub}. Every field below "I/O thread only" is
 * touched on the channel's event loop only; user futures complete on the callback executor or
 * on the thread blocked in them ({@link ReplyFuture}), never on the event loop.
 */
final class Correlator extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Correlator.class);
    private static final Logger wire = LoggerFactory.getLogger("io.qmp4j.core.wire");
    private static final byte[] FD_CARRIER = {' '};

    private final SessionConfig cfg;
    private final Lifecycle life;
    private final EventHub hub;
    private final Observer observer;
    private final Wire encoder = new Wire();

    // I/O thread only
    private ChannelHandlerContext ctx;
    private final LongObjectHashMap<Pending> pending = new LongObjectHashMap<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inBandOnWire;
    private int window;
    /**
     * Ids count from 1; the benchmark's 45-byte form ({@code -Dio.qmp4j.core.firstCommandId=1000000000000},
     * 13 digits) sends commands as long as a client with string ids such as {@code "__qmp#00001"}.
     */
    private long nextId = Math.max(Handshake.NEGOTIATION_ID + 1, Long.getLong("io.qmp4j.core.firstCommandId", 1));
    private boolean flushScheduled;
    private boolean finished;
    private final Completions completions;
    private final Runnable flushTask = () -> {
        flushScheduled = false;
        ctx.flush();
    };

    Correlator(SessionConfig cfg, Lifecycle life, EventHub hub, Observer observer) {
        this.cfg = cfg;
        this.life = life;
        this.hub = hub;
        this.observer = observer;
        this.completions = new Completions(cfg.executor());
    }

    /** The session runs: at most {@code inBandWindow} in-band commands on the wire from now on. */
    void open(int inBandWindow) {
        window = inBandWindow;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---------------------------------------------------------------- sending

    /** Encodes and queues a command; the deadline covers the whole wait, including time queued client-side. */
    @SuppressWarnings("unchecked")
    <R> CompletableFuture<R> submit(QmpCommand<R> command, ObjectNode args, Duration timeout, FileDescriptor[] fds, EventLoop loop) {
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
            p.timeout = cfg.timer().newTimeout(x -> expire(p, t, loop), t.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (loop.inEventLoop()) {
            enqueue(p);
        } else {
            try {
                loop.execute(() -> enqueue(p));
            } catch (RejectedExecutionException e) {
                f.completeExceptionally(new QmpDisconnectedException("the client's I/O thread has shut down", e));
            }
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) f;
    }

    private void enqueue(Pending p) {
        if (finished || ctx == null || life.state() != QmpState.RUNNING) {
            fail(p, life.disconnected());
        } else if (p.oob || inBandOnWire < window) {
            write(p);
        } else {
            waiting.addLast(p);
        }
    }

    /** Moves queued in-band commands onto the wire while the window allows. */
    private void pump() {
        while (inBandOnWire < window && !waiting.isEmpty()) {
            write(waiting.removeFirst());
        }
    }

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
        String idText = Long.toString(id);
        ByteBuf buf = ctx.alloc().buffer(p.prefix.length + idText.length() + 1);
        buf.writeBytes(p.prefix).writeCharSequence(idText, StandardCharsets.US_ASCII);
        buf.writeByte('}');
        if (wire.isTraceEnabled()) {
            wire.trace("{}--> {}", life.prefix(), Redaction.redact(buf.toString(StandardCharsets.UTF_8))
                    + (p.fds != null ? " (+" + p.fds.length + " fd)" : ""));
        }
        if (p.fds != null) {
            writeWithFds(p, buf);
            return;
        }
        ctx.write(buf, ctx.voidPromise());
        if (!flushScheduled) {
            // Coalesce a burst of commands submitted together into one write system call.
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    /** SCM_RIGHTS rides on the next write: one ignorable byte, right before the command that consumes it. */
    private void writeWithFds(Pending p, ByteBuf buf) {
        try {
            ctx.flush();
            ((UnixNioChannel) ctx.channel()).setOutboundFileDescriptors(p.fds);
        } catch (IOException e) {
            pending.remove(p.id);
            if (!p.oob) {
                inBandOnWire--;
            }
            buf.release();
            fail(p, new QmpDisconnectedException("cannot pass file descriptors: " + e.getMessage(), e));
            return;
        }
        ctx.write(Unpooled.wrappedBuffer(FD_CARRIER)); // QMP's lexer skips whitespace between objects
        ctx.writeAndFlush(buf);
    }

    private void expire(Pending p, Duration t, EventLoop loop) {
        Runnable r = () -> {
            if (p.future.isDone()) {
                return;
            }
            if (p.onWire) {
                p.timedOut = true; // QEMU still holds the command; keep its slot until the late reply frees it
            } else {
                waiting.remove(p);
            }
            fail(p, new QmpTimeoutException(p.toString(), t));
        };
        try {
            loop.execute(r);
        } catch (RejectedExecutionException e) {
            fail(p, new QmpTimeoutException(p.toString(), t));
        }
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
        Pending p = id != null && id.isIntegralNumber() ? pending.remove(id.asLong()) : null;
        if (p == null) {
            log.warn("{}dropping a reply with an id this client never sent: {}", life.prefix(), Wire.abbreviate(obj));
            return;
        }
        reply(p, obj);
        pump();
    }

    private void reply(Pending p, ObjectNode obj) {
        if (!p.oob) {
            inBandOnWire--;
        }
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
        finished = true;
        completions.flush(); // replies read before the end complete first
        List<Pending> all = new ArrayList<>(pending.values());
        all.addAll(waiting);
        pending.clear();
        waiting.clear();
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
