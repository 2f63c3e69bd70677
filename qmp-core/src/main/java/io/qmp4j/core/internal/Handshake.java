package io.qmp4j.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.qmp4j.core.Greeting;
import io.qmp4j.core.GreetingException;
import io.qmp4j.core.NegotiationException;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpErrorClass;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.VersionInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a session, in the pipeline until the session runs: the TLS handshake's outcome,
 * the greeting, {@code qmp_capabilities} (with {@code oob} when offered and wanted). Events
 * pass through at any time (some QEMU versions send them before the greeting). Once QEMU
 * accepts the capabilities it opens the {@link Correlator}'s window and removes itself.
 */
final class Handshake extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Handshake.class);
    /** The wire at TRACE, as the correlator logs it. */
    private static final Logger wire = LoggerFactory.getLogger("io.qmp4j.core.wire");
    /** The id of {@code qmp_capabilities}; the correlator counts commands from 1. */
    static final long NEGOTIATION_ID = 0;

    private final SessionConfig cfg;
    private final Lifecycle life;
    private final Correlator correlator;
    private final ReadTurn turn;

    Handshake(SessionConfig cfg, Lifecycle life, Correlator correlator, ReadTurn turn) {
        this.cfg = cfg;
        this.life = life;
        this.correlator = correlator;
        this.turn = turn;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        life.socketConnected();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ObjectNode obj = (ObjectNode) msg;
        if (obj.has("event")) {
            ctx.fireChannelRead(msg);
        } else if (life.state() == QmpState.CONNECTING) {
            greeting(ctx, obj);
        } else if (life.state() == QmpState.NEGOTIATING) {
            negotiationReply(ctx, obj);
        } else {
            ctx.fireChannelRead(msg); // closing: the correlator drops it
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // The SslHandler reports a failed handshake here before it closes the channel: keep the
        // reason, so that connect() fails with it rather than with "closed before set up".
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess() && life.failure() == null) {
            life.fail(new QmpConnectException(cfg.endpoint(), "TLS handshake with " + cfg.endpoint() + " failed: "
                    + TlsSupport.reason(e.cause()), e.cause()));
            log.debug("{}{}", life.prefix(), life.failure().getMessage()); // connect() fails with it: the caller has it
        }
        super.userEventTriggered(ctx, evt);
    }

    private void greeting(ChannelHandlerContext ctx, ObjectNode obj) {
        Greeting g;
        try {
            g = parse(obj);
        } catch (GreetingException e) {
            life.protocolError(ctx, e);
            return;
        }
        boolean oob = cfg.enableOob() && g.offersOob();
        life.greeted(g, oob);
        log.debug("{}greeting: QEMU {}, capabilities {}", life.prefix(), g.version(), g.capabilities());
        byte[] cmd = Wire.negotiation(oob, NEGOTIATION_ID);
        if (wire.isTraceEnabled()) {
            wire.trace("{}--> {}", life.prefix(), new String(cmd, StandardCharsets.US_ASCII));
        }
        correlator.sendNegotiation(cmd); // written as commands are: directly on the JDK's channels
    }

    private static Greeting parse(ObjectNode obj) throws GreetingException {
        JsonNode qmp = obj.get("QMP");
        if (qmp == null || !qmp.isObject()) {
            throw new GreetingException("expected the QMP greeting, got: " + Wire.abbreviate(obj), null);
        }
        try {
            VersionInfo version = version(qmp.get("version"), obj);
            JsonNode capNode = qmp.get("capabilities");
            if (capNode == null || !capNode.isArray()) {
                throw new GreetingException("greeting has no capabilities array: " + Wire.abbreviate(obj), null);
            }
            List<String> caps = new ArrayList<>();
            capNode.forEach(c -> caps.add(c.asText()));
            return new Greeting(version, caps);
        } catch (RuntimeException e) {
            throw new GreetingException("invalid QMP greeting: " + Wire.abbreviate(obj), e);
        }
    }

    /** Reads the greeting's version by hand: Jackson's record introspection costs tens of ms in a cold JVM, before every first command. */
    private static VersionInfo version(JsonNode v, ObjectNode obj) throws GreetingException {
        if (v == null || v.isNull()) {
            throw new GreetingException("greeting has no version: " + Wire.abbreviate(obj), null);
        }
        JsonNode q = v.get("qemu");
        JsonNode pkg = v.get("package");
        if (!v.isObject() || q == null || !q.isObject() || pkg != null && !pkg.isNull() && !pkg.isTextual()) {
            throw new GreetingException("invalid QMP greeting: " + Wire.abbreviate(obj), null);
        }
        return new VersionInfo(new VersionInfo.Triple(number(q, "major", obj), number(q, "minor", obj), number(q, "micro", obj)),
                pkg == null || pkg.isNull() ? null : pkg.asText());
    }

    private static int number(JsonNode q, String name, ObjectNode obj) throws GreetingException {
        JsonNode n = q.get(name);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new GreetingException("invalid QMP greeting (version." + name + "): " + Wire.abbreviate(obj), null);
        }
        return n.intValue();
    }

    private void negotiationReply(ChannelHandlerContext ctx, ObjectNode obj) {
        JsonNode id = obj.get("id");
        JsonNode error = obj.get("error");
        if (id == null && error != null) {
            life.protocolError(ctx, Wire.unparsedInput(error));
            return;
        }
        if (id == null || !id.isIntegralNumber() || id.asLong() != NEGOTIATION_ID) {
            log.warn("{}dropping a reply with an id this client never sent: {}", life.prefix(), Wire.abbreviate(obj));
            return;
        }
        if (error != null) {
            QmpCommandException refused = new QmpCommandException("qmp_capabilities", "0",
                    QmpErrorClass.of(error.path("class").asText("GenericError")), error.path("desc").asText(""));
            life.protocolError(ctx, new NegotiationException("QEMU refused qmp_capabilities: " + refused.getMessage(), refused));
            return;
        }
        correlator.open(life.oob() ? cfg.inBandWindow() : Integer.MAX_VALUE);
        ctx.pipeline().remove(this);
        turn.open(); // past the handshake: a caller blocked on a reply may read the socket itself
        life.running();
    }
}
