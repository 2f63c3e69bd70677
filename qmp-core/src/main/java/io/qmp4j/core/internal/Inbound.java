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
 * a reply goes on to the {@link Correlator}; anything else is logged and dropped. Events are
 * published, and replies matched, on the thread that read them: the event loop, or a caller
 * blocked on its reply ({@link ReadTurn}).
 */
final class Inbound extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Inbound.class);

    private final Lifecycle life;
    private final EventHub hub;
    private final Observer observer;
    private final Correlator correlator;
    private volatile ChannelHandlerContext ctx;

    Inbound(Lifecycle life, EventHub hub, Observer observer, Correlator correlator) {
        this.life = life;
        this.hub = hub;
        this.observer = observer;
        this.correlator = correlator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        frame((ObjectNode) msg);
    }

    /** What a caller read ({@link ReadTurn}) failed on: the session ends with it, as with a failure in the pipeline. */
    void failed(Exception e) {
        life.protocolError(ctx, life.classify(e));
    }

    /** One object read, on whichever thread holds the read turn ({@link ReadTurn}). */
    void frame(ObjectNode obj) {
        JsonNode eventName = obj.get("event");
        if (eventName != null) {
            QmpEvent e = Wire.event(eventName.asText(), obj);
            observer.event(e);
            hub.publish(e);
        } else if (obj.has("error") && !obj.has("id")) {
            life.protocolError(ctx, Wire.unparsedInput(obj.get("error")));
        } else if (obj.has("error") || obj.has("return")) {
            correlator.replied(obj);
        } else {
            log.warn("{}ignoring a message that is neither a reply nor an event: {}", life.prefix(), Wire.abbreviate(obj));
        }
    }
}
