package io.qmp4j.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts encoded commands on the socket, one of two ways.
 *
 * <p><b>Directly</b>, on the thread that sends (a caller in {@code execute}, or the I/O thread
 * moving a queued command into the window): one non-blocking {@code write} on the JDK socket
 * channel under the correlator's lock, so that bytes leave in the order ids are given. This saves
 * the hand-off to the event loop: a task, and the loop's wake-up (a pipe write, an
 * {@code epoll_wait} and a drain read, and a thread switch) for every command sent from another
 * thread. Sessions on the JDK's channels without TLS write this way.
 *
 * <p><b>Through Netty's pipeline</b>, on the event loop: for TLS (the bytes must pass the
 * {@code SslHandler}), file descriptors (junixsocket's channel, SCM_RIGHTS on the next write),
 * test channels; and for a direct session whose socket buffer is full: the rest of a partial
 * write and every later command go through Netty, in order, until Netty has written them all;
 * then writes go directly again.
 *
 * <p>Every method but the flush task runs holding the correlator's lock.
 */
final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    /** The wire at TRACE: {@code -->} commands as sent. */
    private static final Logger wire = LoggerFactory.getLogger("io.qmp4j.core.wire");
    /** One ignorable byte that carries SCM_RIGHTS, right before the command that consumes the descriptors. */
    private static final byte[] FD_CARRIER = {' '};

    /** Why a write failed: the command fails with it, the session ends. */
    interface Failure {
        void failed(Pending p, IOException e);
    }

    private final Object lock;
    private final ChannelHandlerContext ctx;
    /** The JDK channel under the Netty channel, or null when this session always writes through Netty. */
    private final SocketChannel direct;
    private final Failure onFailure;
    private final String logPrefix;
    /** Writes handed to Netty and not yet written out; direct writes wait for them (direct sessions only). */
    private int inNetty;
    private boolean flushScheduled; // I/O thread only
    private final Runnable flushTask;

    Outbox(Object lock, ChannelHandlerContext ctx, SocketChannel direct, Failure onFailure, String logPrefix) {
        this.logPrefix = logPrefix;
        this.lock = lock;
        this.ctx = ctx;
        this.direct = direct;
        this.onFailure = onFailure;
        this.flushTask = () -> {
            flushScheduled = false;
            ctx.flush();
        };
    }

    /**
     * Sends commands that have their ids, in order, in one write where it can: a command with
     * file descriptors goes in a write of its own. A failed write is reported to the failure
     * handler with the command it carried last; the session then ends, and the others with it.
     */
    void sendAll(List<Pending> commands) {
        ByteArrayOutputStream run = new ByteArrayOutputStream(64 * commands.size());
        Pending last = null;
        for (Pending p : commands) {
            if (p.fds != null) {
                last = flush(last, run);
                sendOrFail(p, p.bytes());
            } else {
                run.writeBytes(p.bytes());
                last = p;
            }
        }
        flush(last, run);
    }

    private Pending flush(Pending last, ByteArrayOutputStream run) {
        if (last != null) {
            sendOrFail(last, run.toByteArray());
            run.reset();
        }
        return null;
    }

    private void sendOrFail(Pending p, byte[] bytes) {
        try {
            send(p, bytes);
        } catch (IOException e) {
            onFailure.failed(p, e);
        }
    }

    /**
     * Sends the bytes of one command, or of several that end with {@code p}.
     *
     * @throws IOException when a direct write fails (the socket is closed or broken)
     */
    private void send(Pending p, byte[] bytes) throws IOException {
        if (wire.isTraceEnabled()) {
            wire.trace("{}--> {}", logPrefix, Redaction.redact(new String(bytes, StandardCharsets.UTF_8))
                    + (p.fds != null ? " (+" + p.fds.length + " fd)" : ""));
        }
        if (p.fds == null) {
            bytes = writeDirectly(bytes, p);
            if (bytes == null) {
                return;
            }
        }
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        if (direct != null) {
            inNetty++;
        }
        try {
            ctx.executor().execute(() -> write(p, buf));
        } catch (RejectedExecutionException e) {
            throw new IOException("the client's I/O thread has shut down", e);
        }
    }

    /**
     * {@code qmp_capabilities}, on the I/O thread before any command: written directly where
     * commands are (Netty's first write on a channel measured ~2-5x a plain write, on the
     * connect's critical path), else, or for what the socket did not take, through the pipeline.
     * A direct write that fails is made again through Netty, which then fails it and closes the
     * channel as it does any failed write, and the connect fails with that.
     */
    void sendFirst(byte[] bytes) {
        byte[] rest;
        try {
            rest = writeDirectly(bytes, "qmp_capabilities");
        } catch (IOException e) {
            log.debug("{}writing qmp_capabilities: {}", logPrefix, e.toString());
            rest = bytes;
        }
        if (rest != null) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(rest));
        }
    }

    /**
     * One non-blocking write on the JDK channel, when this session writes directly and nothing
     * handed to Netty is still unwritten.
     *
     * @param what the command(s), for the log
     * @return null when the socket took it all, else what Netty must write (all of it when no
     *         direct write was made)
     * @throws IOException when the direct write fails
     */
    private byte[] writeDirectly(byte[] bytes, Object what) throws IOException {
        if (direct == null || inNetty > 0) {
            return bytes;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        direct.write(b);
        if (!b.hasRemaining()) {
            return null;
        }
        log.debug("the socket took {} of {} bytes of {}: Netty writes the rest, and what follows until it is done", b.position(),
                bytes.length, what);
        return Arrays.copyOfRange(bytes, b.position(), bytes.length);
    }

    /** On the event loop: through the pipeline, coalescing a burst into one flush. */
    private void write(Pending p, ByteBuf buf) {
        if (p.fds != null) {
            writeWithFds(p, buf);
            return;
        }
        ChannelPromise done = direct == null ? ctx.voidPromise() : ctx.newPromise().addListener(f -> written());
        ctx.write(buf, done);
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void written() {
        synchronized (lock) { // a write Netty finished (or failed: the session is ending then)
            inNetty--;
        }
    }

    /** SCM_RIGHTS rides on the next write: one ignorable byte, right before the command that consumes it. */
    private void writeWithFds(Pending p, ByteBuf buf) {
        try {
            ctx.flush();
            ((UnixNioChannel) ctx.channel()).setOutboundFileDescriptors(p.fds);
        } catch (IOException e) {
            buf.release();
            onFailure.failed(p, e);
            return;
        }
        ctx.write(Unpooled.wrappedBuffer(FD_CARRIER)); // QMP's lexer skips whitespace between objects
        ctx.writeAndFlush(buf);
    }
}
