package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.qmp4j.core.event.QmpEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts what a running session reads, after the {@link Handshake}: an event goes to the
 * {@link EventHub}; an error without an id (QEMU could not parse our input) ends the session;
 * a reply goes on to the {@link Correlator}; anything else is logged and dropped.
 */
final class Inbound extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Inbound.class);

    private final Lifecycle life;
    private final EventHub hub;
    private final Observer observer;

    Inbound(Lifecycle life, EventHub hub, Observer observer) {
        this.life = life;
        this.hub = hub;
        this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ObjectNode obj = (ObjectNode) msg;
        JsonNode eventName = obj.get("event");
        if (eventName != null) {
            QmpEvent e = Wire.event(eventName.asText(), obj);
            observer.event(e);
            hub.publish(e);
        } else if (obj.has("error") && !obj.has("id")) {
            life.protocolError(ctx, Wire.unparsedInput(obj.get("error")));
        } else if (obj.has("error") || obj.has("return")) {
            ctx.fireChannelRead(obj);
        } else {
            log.warn("{}ignoring a message that is neither a reply nor an event: {}", life.prefix(), Wire.abbreviate(obj));
        }
    }
}
