package io.qmp4j.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Cuts the bytes a monitor sends into JSON texts by counting braces and brackets outside
 * strings, as Netty's {@code JsonObjectDecoder} does; but as a plain object rather than a
 * pipeline handler, so that whichever thread reads the socket feeds it, one at a time: the event
 * loop, or a caller blocked on its reply ({@link ReadTurn}). Not thread-safe: the caller of
 * {@link #feed} serializes.
 *
 * <p>Between texts only whitespace may come; anything else fails with
 * {@link CorruptedFrameException} (its message ends with the rest in hex, as Netty's), a text
 * longer than the limit with {@link TooLongFrameException}; either way everything after it is
 * discarded, and the session ends.
 */
final class Framer {

    /** Receives each complete text: {@code len} bytes of {@code b} from {@code off}, valid during the call. */
    interface Sink {
        void frame(byte[] b, int off, int len) throws IOException;
    }

    private final int maxFrameBytes;
    private byte[] buf; // null until something arrives, and again once all that arrived is framed
    private int start; // the first byte of the text being framed (or of the unscanned rest)
    private int end; // the end of what has arrived
    private int pos; // the next byte to scan
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean failed;

    Framer(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Appends what {@code in} has (consuming it) and hands every text it completes to {@code sink}. */
    void feed(ByteBuf in, Sink sink) throws IOException {
        int n = in.readableBytes();
        if (!failed && n > 0) {
            ensure(n);
            in.readBytes(buf, end, n);
            end += n;
            scan(sink);
        }
        in.skipBytes(in.readableBytes());
    }

    /**
     * Room for at least {@code min} more bytes, for a read straight into this framer's buffer;
     * then {@link #filled}.
     */
    ByteBuffer space(int min) {
        ensure(min);
        return ByteBuffer.wrap(buf, end, buf.length - end);
    }

    /** {@code n} bytes were read into the {@link #space} given: frames them. */
    void filled(int n, Sink sink) throws IOException {
        if (failed || n <= 0) {
            return;
        }
        end += n;
        scan(sink);
    }

    private void scan(Sink sink) throws IOException {
        try {
            for (; pos < end; pos++) {
                byte c = buf[pos];
                if (depth == 0) {
                    between(c);
                } else if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    int from = start;
                    start = pos + 1;
                    sink.frame(buf, from, pos + 1 - from);
                }
                if (depth > 0 && pos + 1 - start > maxFrameBytes) {
                    throw new TooLongFrameException("a JSON text exceeds " + maxFrameBytes + " bytes");
                }
            }
        } catch (CorruptedFrameException | TooLongFrameException e) {
            failed = true; // the session ends: what it had buffered goes now, not with the client
            buf = null;
            start = 0;
            end = 0;
            pos = 0;
            throw e;
        } finally {
            compact();
        }
    }

    /** A byte outside any text: whitespace, or the start of the next one. */
    private void between(byte c) {
        if (c == '{' || c == '[') {
            start = pos;
            depth = 1;
        } else if (Character.isWhitespace(c)) {
            start = pos + 1;
        } else {
            throw new CorruptedFrameException("invalid JSON received at byte position " + pos + ": "
                    + HexFormat.of().formatHex(buf, pos, end));
        }
    }

    private void ensure(int n) {
        if (buf == null) {
            buf = new byte[Math.max(n, 512)];
            return;
        }
        if (end + n <= buf.length) {
            return;
        }
        int live = end - start;
        byte[] to = live + n <= buf.length ? buf : new byte[Math.max(2 * buf.length, live + n)];
        System.arraycopy(buf, start, to, 0, live);
        buf = to;
        pos -= start;
        end = live;
        start = 0;
    }

    /**
     * Everything framed: the buffer goes, so that a quiet session holds none (512 B each of a
     * thousand idle sessions); the next read takes a new one, as short-lived as the read.
     */
    private void compact() {
        if (start == end && pos == end) {
            start = 0;
            end = 0;
            pos = 0;
            buf = null;
        }
    }
}
