package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;

/**
 * Turns one framed JSON object (from Netty's {@code JsonObjectDecoder}, which only counts
 * braces) into a Jackson tree, and logs it at TRACE as {@code <--}.
 */
final class JsonFrameDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final Logger log;
    private final String prefix;

    JsonFrameDecoder(Logger log, String prefix) {
        super(ByteBuf.class);
        this.log = log;
        this.prefix = prefix;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws IOException {
        if (log.isTraceEnabled()) {
            log.trace("{}<-- {}", prefix, frame.toString(StandardCharsets.UTF_8));
        }
        JsonNode node;
        try {
            if (frame.hasArray()) {
                node = Json.MAPPER.readTree(frame.array(), frame.arrayOffset() + frame.readerIndex(),
                        frame.readableBytes());
            } else {
                try (InputStream in = new ByteBufInputStream(frame)) {
                    node = Json.MAPPER.readTree(in);
                }
            }
        } catch (IOException e) {
            throw new CorruptedFrameException("not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new CorruptedFrameException("expected a JSON object, got: "
                    + frame.toString(frame.readerIndex(), Math.min(frame.readableBytes(), 200), StandardCharsets.UTF_8));
        }
        frame.skipBytes(frame.readableBytes());
        out.add(node);
    }
}
