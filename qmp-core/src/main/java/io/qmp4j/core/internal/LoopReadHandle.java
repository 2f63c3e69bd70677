package io.qmp4j.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The event loop's read handle on a session whose callers may read ({@link ReadTurn}): each read
 * takes the turn, or reads nothing when a caller holds it (that caller is reading those bytes,
 * and the selector, level-triggered, reports what it leaves). The loop does not wait for that
 * caller, so the caller's unlock has nobody to wake, and the loop's other sessions are not held
 * up by one caller's read. Only when the loop has been woken {@value #SKIPS_PER_HOLD} times
 * during one hold (bytes keep coming that the holder does not read yet, say while a filter runs)
 * does it wait for the turn, rather than spin.
 *
 * <p>Netty calls {@code reset} before a read and {@code readComplete} after the pipeline has
 * handled it (also when the read failed): the turn is held in between, and the replies that read
 * completed go to the callback executor before it is let go. A read without the turn touches
 * neither the socket nor the delegate's size estimate.
 */
final class LoopReadHandle extends RecvByteBufAllocator.DelegatingHandle implements RecvByteBufAllocator.ExtendedHandle {

    /** How often one caller's hold of the turn makes the loop skip a read before it waits for the turn. */
    static final int SKIPS_PER_HOLD = 4;

    private final ReentrantLock lock;
    private final LongSupplier holds;
    private final Runnable afterRead;
    private boolean held;
    private long skippedHold = -1;
    private int skips;

    LoopReadHandle(RecvByteBufAllocator.ExtendedHandle delegate, ReentrantLock lock, LongSupplier holds, Runnable afterRead) {
        super(delegate);
        this.lock = lock;
        this.holds = holds;
        this.afterRead = afterRead;
    }

    @Override
    public void reset(ChannelConfig config) {
        held = lock.tryLock() || waitAfterSkips(); // (reentrant: readComplete's unlock balances it)
        if (held) {
            super.reset(config);
        }
    }

    /** A caller holds the turn: skip this read, unless this hold has made the loop skip often enough already. */
    private boolean waitAfterSkips() {
        long hold = holds.getAsLong();
        skips = hold == skippedHold ? skips + 1 : 1;
        skippedHold = hold;
        if (skips < SKIPS_PER_HOLD) {
            return false;
        }
        lock.lock();
        return true;
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
        return held ? super.allocate(alloc) : Unpooled.EMPTY_BUFFER; // reads 0 bytes: this read ends at once
    }

    @Override
    public void attemptedBytesRead(int bytes) {
        if (held) {
            super.attemptedBytesRead(bytes);
        }
    }

    @Override
    public int attemptedBytesRead() {
        return held ? super.attemptedBytesRead() : 0; // what the channel then asks of the socket: nothing
    }

    @Override
    public void lastBytesRead(int bytes) {
        if (held) {
            super.lastBytesRead(bytes);
        }
    }

    @Override
    public int lastBytesRead() {
        return held ? super.lastBytesRead() : 0;
    }

    @Override
    public boolean continueReading() {
        return held && super.continueReading();
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier more) {
        return held && ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(more);
    }

    @Override
    public void readComplete() {
        if (!held) {
            return;
        }
        try {
            super.readComplete();
            afterRead.run();
        } finally {
            held = false;
            lock.unlock();
        }
    }
}
