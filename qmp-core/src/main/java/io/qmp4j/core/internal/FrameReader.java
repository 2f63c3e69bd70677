package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a session's pipeline (after TLS): bytes to JSON objects, one
 * {@link Framer} for the session, each object parsed by Jackson and logged at TRACE as
 * {@code <--}. On the event loop the objects go down the pipeline; a caller blocked on a reply
 * that reads the socket itself ({@link ReadTurn}) frames through the same framer with
 * {@link #readFrom}, so that a text split between two reads by different threads stays whole.
 */
final class FrameReader extends ChannelInboundHandlerAdapter {

    /** What one read from the socket takes at most: a caller's here, the event loop's by {@code Connector}'s budget. */
    static final int READ_BYTES = 4096;

    /** The wire at TRACE: {@code <--} replies and events. */
    private static final Logger wire = LoggerFactory.getLogger("io.qmp4j.core.wire");

    private final Framer framer;
    private final String prefix;

    FrameReader(int maxFrameBytes, String prefix) {
        this.framer = new Framer(maxFrameBytes);
        this.prefix = prefix;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
        ByteBuf in = (ByteBuf) msg;
        try {
            framer.feed(in, (b, off, len) -> ctx.fireChannelRead(parse(b, off, len)));
        } finally {
            in.release();
        }
    }

    /**
     * One non-blocking read from {@code socket} by a thread other than the event loop, holding
     * the session's read turn; each object it completes goes to {@code to}.
     *
     * @return the bytes read, 0 when there was nothing, -1 at the end of the stream
     * @throws IOException when the read fails, or what arrived is not JSON
     */
    int readFrom(ReadableByteChannel socket, Consumer<ObjectNode> to) throws IOException {
        ByteBuffer room = framer.space(READ_BYTES);
        int n = socket.read(room);
        framer.filled(n, (b, off, len) -> to.accept(parse(b, off, len)));
        return n;
    }

    private ObjectNode parse(byte[] b, int off, int len) throws CorruptedFrameException {
        if (wire.isTraceEnabled()) {
            wire.trace("{}<-- {}", prefix, new String(b, off, len, StandardCharsets.UTF_8));
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(b, off, len);
        } catch (IOException e) {
            throw new CorruptedFrameException("not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new CorruptedFrameException("expected a JSON object, got: "
                    + new String(b, off, Math.min(len, 200), StandardCharsets.UTF_8));
        }
        return (ObjectNode) node;
    }
}
