package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.RecvByteBufAllocator;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who reads a session's socket: the event loop, or a thread blocked on a reply, which then reads
 * and decodes its reply itself. The kernel wakes that thread as it wakes a blocking client; a
 * reply that the event loop reads must wake it a second time, from the loop (the hand-over of
 * {@link ReplyFuture}), which costs about as much again under virtualisation.
 *
 * <p>For sessions on the JDK's channels without TLS (those whose commands the {@link Outbox}
 * writes directly). One thread at a time reads, whichever takes the turn first: the loop in its
 * read handle ({@link #lockingReads}), from before the read until the pipeline has handled what
 * it read, or a waiting thread; both feed the one {@link FrameReader}. Neither waits for the
 * other as a rule: a waiting thread that finds the turn taken waits for the hand-over, the loop
 * skips that read. The waiting thread waits in a selector of its own (created at the first wait,
 * closed with the session). Both are woken by the same bytes; when the loop takes them first, it
 * hands the reply over as it would anyway (leaving the bytes to the waiting thread for up to
 * 200 µs was measured: the same median, a worse p99). Events that a waiting thread reads are
 * published from it, as the loop would.
 */
final class ReadTurn implements ReplyFuture.Waiting {

    private static final Logger log = LoggerFactory.getLogger(ReadTurn.class);

    private final ReentrantLock lock = new ReentrantLock();
    /** Holds of the turn by callers so far (written holding it). */
    private volatile long holds;
    private final AtomicReference<Thread> waiter = new AtomicReference<>();
    private final String prefix;
    private final FrameReader frames;
    private final Consumer<ObjectNode> dispatch;
    private final Runnable afterRead;
    private final Consumer<Exception> failed;
    private volatile SocketChannel socket;
    private volatile boolean usable;
    private volatile Selector selector;

    /**
     * @param dispatch where a waiting thread's objects go (the session runs: past the handshake)
     * @param afterRead run at the end of such a read, holding the turn (replies nobody waited for complete)
     * @param failed what arrived cannot be framed or handled: the session ends with it
     */
    ReadTurn(String prefix, FrameReader frames, Consumer<ObjectNode> dispatch, Runnable afterRead, Consumer<Exception> failed) {
        this.prefix = prefix;
        this.frames = frames;
        this.dispatch = dispatch;
        this.afterRead = afterRead;
        this.failed = failed;
    }

    /** The session's socket is this JDK channel, without TLS: blocked callers may read it (once {@link #open}). */
    void attach(SocketChannel channel) {
        this.socket = channel;
    }

    /** The session runs; called once the handshake has left the pipeline. */
    void open() {
        usable = socket != null;
    }

    /** @return this, for the futures of a session whose callers may read; else null (they park) */
    ReplyFuture.Waiting forCallers() {
        return socket != null ? this : null;
    }

    /** The session has ended: no thread reads from now on; the selector goes (with it the socket's last registration). */
    synchronized void close() {
        usable = false;
        Selector s = selector;
        if (s != null) {
            try {
                s.close(); // wakes a thread selecting; waits for it to leave select()
            } catch (IOException e) {
                log.debug("{}closing the callers' selector: {}", prefix, e.toString());
            }
        }
    }

    @Override
    public boolean await(Thread me, long nanos, BooleanSupplier done) {
        if (!usable || !waiter.compareAndSet(null, me)) {
            return false;
        }
        try {
            Selector s = selector();
            if (s == null || done.getAsBoolean()) { // done: checked after the selector is known to wake()
                return s != null;
            }
            s.select(nanos == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
            s.selectedKeys().clear();
            if (!done.getAsBoolean()) {
                readHere();
            }
            return true;
        } catch (IOException | ClosedSelectorException e) {
            log.debug("{}a caller cannot read the socket ({}): it waits for the I/O thread", prefix, e.toString());
            return false;
        } finally {
            waiter.set(null);
        }
    }

    @Override
    public void wake(Thread t) {
        if (waiter.get() == t) {
            Selector s = selector;
            if (s != null) {
                s.wakeup();
            }
        }
    }

    private synchronized Selector selector() throws IOException {
        if (!usable) {
            return null;
        }
        Selector s = selector;
        if (s == null) {
            s = Selector.open();
            try {
                socket.register(s, SelectionKey.OP_READ);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            selector = s;
        }
        return s;
    }

    /** One read and what it completes, unless the loop has the turn (then it hands the reply over). */
    private void readHere() {
        if (!callerTakesTurn()) {
            return;
        }
        try {
            if (usable && frames.readFrom(socket, dispatch) < 0) {
                usable = false; // the end of the stream: the loop reads it too, and ends the session
            }
        } catch (IOException | RuntimeException e) {
            usable = false;
            failed.accept(e);
        } finally {
            try {
                afterRead.run();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The loop's read handles, which take the turn ({@link LoopReadHandle}). */
    RecvByteBufAllocator lockingReads(RecvByteBufAllocator budget) {
        return () -> new LoopReadHandle((RecvByteBufAllocator.ExtendedHandle) budget.newHandle(), lock, () -> holds, afterRead);
    }

    /** Takes the turn for a caller's read; counted, so that the loop can tell one long hold from many short ones. */
    private boolean callerTakesTurn() {
        if (!lock.tryLock()) {
            return false;
        }
        holds++; // written holding the lock only
        return true;
    }
}
