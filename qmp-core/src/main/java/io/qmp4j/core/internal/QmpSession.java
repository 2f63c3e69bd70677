package io.qmp4j.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.json.JsonObjectDecoder;
import io.netty.util.Timeout;
import io.netty.util.collection.LongObjectHashMap;
import io.qmp4j.core.Greeting;
import io.qmp4j.core.GreetingException;
import io.qmp4j.core.MalformedReplyException;
import io.qmp4j.core.NegotiationException;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpErrorClass;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpProtocolException;
import io.qmp4j.core.QmpState;
import io.qmp4j.core.QmpStateException;
import io.qmp4j.core.QmpTimeoutException;
import io.qmp4j.core.VersionInfo;
import io.qmp4j.core.event.QmpEvent;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QMP session: connects, reads the greeting, negotiates, then correlates replies with
 * commands by id and hands events to the {@link EventHub}.
 *
 * <p>Threading: the fields below "I/O thread only" are touched on the channel's event loop
 * only. User futures are completed on the callback executor, never on the event loop.
 */
public final class QmpSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(QmpSession.class);
    /** The wire at TRACE: {@code -->} commands, {@code <--} replies and events. */
    private static final Logger wire = LoggerFactory.getLogger("io.qmp4j.core.wire");

    /** The id of the negotiation command; user commands count from 1. */
    private static final long NEGOTIATION_ID = 0;
    private static final byte[] FD_CARRIER = {' '};
    /** Encoded prefixes of argument-less commands, which are most commands sent in loops. */
    private static final ConcurrentHashMap<String, byte[]> NO_ARG_PREFIXES = new ConcurrentHashMap<>();

    private final SessionConfig cfg;
    private final EventHub hub;
    private final String prefix;
    private final AtomicReference<QmpState> state = new AtomicReference<>(QmpState.IDLE);
    private final CompletableFuture<Greeting> connected = new CompletableFuture<>();
    private final CompletableFuture<QmpDisconnectedException> closed = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile Greeting greeting;
    private volatile boolean oob;
    private volatile boolean socketConnected;
    private volatile boolean userClosed;
    private volatile Timeout connectDeadline;

    // I/O thread only
    private ChannelHandlerContext ctx;
    private final LongObjectHashMap<Pending> pending = new LongObjectHashMap<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inBandOnWire;
    private int window = Integer.MAX_VALUE;
    private long nextId = NEGOTIATION_ID + 1;
    private boolean flushScheduled;
    private QmpException failure;
    private boolean finished;
    private final Runnable flushTask = () -> {
        flushScheduled = false;
        ctx.flush();
    };

    public QmpSession(SessionConfig cfg, EventHub hub) {
        this.cfg = cfg;
        this.hub = hub;
        this.prefix = "[" + cfg.name() + "] ";
    }

    public QmpState state() {
        return state.get();
    }

    public Greeting greeting() {
        return greeting;
    }

    public boolean oobEnabled() {
        return oob;
    }

    /** Completes, never exceptionally, when the session has ended, with what ended it. */
    public CompletableFuture<QmpDisconnectedException> closeFuture() {
        return closed;
    }

    // ---------------------------------------------------------------- connect

    private io.netty.handler.ssl.SslContext sslContext;

    /**
     * At most one read of at most 4 KiB per session each time round the event loop. Sessions
     * share one I/O thread; a session flooding events (or a large reply) then takes its turn
     * with the others instead of keeping the thread for up to 16 reads of 64 KiB, which is
     * Netty's default (ScaleBenchmark: quiet sessions 13-32x slower under a flood with that,
     * about 2x with this). Handles are per channel; the allocator itself is shareable.
     */
    private static final io.netty.channel.RecvByteBufAllocator READ_BUDGET =
            new io.netty.channel.AdaptiveRecvByteBufAllocator(64, 1024, 4096).maxMessagesPerRead(1);

    public CompletableFuture<Greeting> connect() {
        if (!state.compareAndSet(QmpState.IDLE, QmpState.CONNECTING)) {
            return CompletableFuture.failedFuture(new QmpStateException("connect", state.get(), QmpState.IDLE));
        }
        QmpEndpoint endpoint = cfg.endpoint();
        Bootstrap b = new Bootstrap().group(cfg.group())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
                .option(ChannelOption.RCVBUF_ALLOCATOR, READ_BUDGET)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        install(ch);
                    }
                });
        io.netty.channel.ChannelFuture cf;
        try {
            if (endpoint instanceof QmpEndpoint.Unix unix) {
                AFUNIXSocketChannel socket = connectUnix(unix);
                // Registered already connected: see UnixNioChannel for why.
                b.channelFactory(() -> new UnixNioChannel(socket));
                cf = b.register();
            } else if (endpoint instanceof QmpEndpoint.Tls tls) {
                sslContext = TlsSupport.context(tls);
                b.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true);
                cf = b.connect(InetSocketAddress.createUnresolved(tls.host(), tls.port()));
            } else {
                QmpEndpoint.Tcp tcp = (QmpEndpoint.Tcp) endpoint;
                b.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true);
                cf = b.connect(InetSocketAddress.createUnresolved(tcp.host(), tcp.port()));
            }
        } catch (QmpConnectException e) {
            state.set(QmpState.CLOSED);
            QmpDisconnectedException ex = new QmpDisconnectedException("never connected", e);
            hub.end(ex);
            closed.complete(ex);
            return CompletableFuture.failedFuture(e);
        }
        channel = cf.channel();
        channel.closeFuture().addListener(f -> finish());
        connectDeadline = cfg.timer().newTimeout(t -> onConnectDeadline(), cfg.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        cf.addListener(f -> {
            if (f.isSuccess()) {
                socketConnected = true;
                log.debug("{}socket connected, awaiting greeting", prefix);
            } else {
                failConnect(new QmpConnectException(endpoint, "cannot connect to " + endpoint + ": " + f.cause(), f.cause()));
            }
        });
        return connected.copy();
    }

    private AFUNIXSocketChannel connectUnix(QmpEndpoint.Unix unix) {
        AFUNIXSocketChannel socket = null;
        try {
            socket = AFUNIXSelectorProvider.provider().openSocketChannel();
            socket.configureBlocking(false);
            // A UNIX connect completes or fails at once; false means the listener's backlog is full.
            if (!socket.connect(AFUNIXSocketAddress.of(unix.path()))) {
                throw new IOException("the monitor's connection backlog is full: it is probably in use by other clients");
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new QmpConnectException(unix, "cannot connect to " + unix + ": " + reason, e);
        }
    }

    private void install(Channel ch) {
        if (sslContext != null && cfg.endpoint() instanceof QmpEndpoint.Tls tls) {
            ch.pipeline().addLast("tls", TlsSupport.handler(sslContext, ch, tls));
            ch.pipeline().addLast("tls-nudge", new TlsSupport.Nudge());
        }
        ch.pipeline().addLast("framer", new JsonObjectDecoder(cfg.maxFrameBytes()));
        ch.pipeline().addLast("json", new JsonFrameDecoder(wire, prefix));
        ch.pipeline().addLast("qmp", this);
    }

    /**
     * Runs the session over a channel that is already connected (tests use Netty's
     * {@code EmbeddedChannel}). The connect deadline applies as in {@link #connect()}.
     */
    public CompletableFuture<Greeting> attach(Channel ch) {
        if (!state.compareAndSet(QmpState.IDLE, QmpState.CONNECTING)) {
            return CompletableFuture.failedFuture(new QmpStateException("attach", state.get(), QmpState.IDLE));
        }
        channel = ch;
        socketConnected = true;
        connectDeadline = cfg.timer().newTimeout(t -> onConnectDeadline(), cfg.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ch.closeFuture().addListener(f -> finish());
        install(ch);
        return connected.copy();
    }

    private void onConnectDeadline() {
        if (connected.isDone()) {
            return;
        }
        QmpEndpoint ep = cfg.endpoint();
        long ms = cfg.connectTimeout().toMillis();
        String msg;
        if (state.get() == QmpState.NEGOTIATING) {
            msg = "QEMU at " + ep + " did not answer qmp_capabilities within " + ms + " ms";
        } else if (socketConnected) {
            msg = "connected to " + ep + " but no QMP greeting arrived within " + ms
                    + " ms: the monitor is probably in use by another client (QEMU serves one client per monitor socket"
                    + " and greets the next only when the first leaves)";
        } else {
            msg = "could not connect to " + ep + " within " + ms + " ms";
        }
        failConnect(new QmpConnectException(ep, msg, new QmpTimeoutException("connect to " + ep, cfg.connectTimeout())));
    }

    private void failConnect(QmpException ex) {
        Channel ch = channel;
        Runnable r = () -> {
            if (failure == null) {
                failure = ex;
            }
            ch.close();
        };
        try {
            if (ch.eventLoop().inEventLoop()) {
                r.run();
            } else {
                ch.eventLoop().execute(r);
            }
        } catch (RuntimeException e) { // not registered, or the loop is shut down
            r.run();
        }
    }

    // ---------------------------------------------------------------- pipeline callbacks

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ObjectNode obj = (ObjectNode) msg;
        JsonNode eventName = obj.get("event");
        if (eventName != null) {
            // Events may come before the greeting on some QEMU versions: always deliver them.
            hub.publish(toEvent(eventName.asText(), obj));
            return;
        }
        if (state.get() == QmpState.CONNECTING) {
            onGreeting(obj);
            return;
        }
        JsonNode id = obj.get("id");
        JsonNode error = obj.get("error");
        if (error != null && id == null) {
            // qmp-spec 2.4.2: an error without an id means QEMU could not parse our input.
            // There is no telling which command it concerns, so end the session.
            protocolError(new QmpProtocolException("QEMU could not parse input from this client: "
                    + error.path("class").asText() + ": " + error.path("desc").asText()));
            return;
        }
        if (error == null && !obj.has("return")) {
            log.warn("{}ignoring a message that is neither a reply nor an event: {}", prefix, abbreviate(obj));
            return;
        }
        if (id == null || !id.isIntegralNumber()) {
            log.warn("{}dropping a reply with an id this client never sent: {}", prefix, abbreviate(obj));
            return;
        }
        long n = id.asLong();
        if (n == NEGOTIATION_ID && state.get() == QmpState.NEGOTIATING) {
            onNegotiated(obj);
            return;
        }
        Pending p = pending.remove(n);
        if (p == null) {
            log.warn("{}dropping a reply with an id this client never sent: {}", prefix, abbreviate(obj));
            return;
        }
        if (!p.oob) {
            inBandOnWire--;
        }
        if (p.timeout != null) {
            p.timeout.cancel();
        }
        if (p.timedOut) {
            log.debug("{}dropping the late reply of {}, which timed out", prefix, p);
        } else {
            Runnable done = () -> complete(p, obj);
            // A caller blocked on the future takes the reply itself; else the callback executor completes it.
            if (!(p.future instanceof ReplyFuture rf && rf.handOff(done))) {
                Callbacks.run(cfg.executor(), done);
            }
        }
        pump();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        socketConnected = true;
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // The SslHandler reports a failed handshake here before it closes the channel: keep the
        // reason, so that connect() fails with it rather than with "closed before set up".
        if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && !e.isSuccess() && failure == null) {
            failure = new QmpConnectException(cfg.endpoint(), "TLS handshake with " + cfg.endpoint() + " failed: "
                    + TlsSupport.reason(e.cause()), e.cause());
            log.debug("{}{}", prefix, failure.getMessage()); // connect() fails with it: the caller has it
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        QmpException ex;
        if (cause instanceof TooLongFrameException) {
            ex = new MalformedReplyException("a message from QEMU exceeds the limit of " + cfg.maxFrameBytes()
                    + " bytes", cause);
        } else if (cause instanceof CorruptedFrameException) {
            ex = new MalformedReplyException("malformed input from QEMU: " + cause.getMessage(), cause);
        } else if (cause instanceof QmpException q) {
            ex = q;
        } else if (TlsSupport.isTlsFailure(cause) && state.get() != QmpState.RUNNING) {
            ex = new QmpConnectException(cfg.endpoint(), "TLS handshake with " + cfg.endpoint() + " failed: "
                    + TlsSupport.reason(cause), cause);
        } else if (cause instanceof IOException) {
            log.debug("{}I/O error: {}", prefix, cause.toString());
            ex = new QmpDisconnectedException("connection to " + cfg.endpoint() + " failed: " + cause.getMessage(), cause);
        } else {
            ex = new QmpProtocolException("unexpected failure in the QMP pipeline: " + cause, cause);
        }
        protocolError(ex);
    }

    private void protocolError(QmpException ex) {
        if (failure == null) {
            failure = ex;
            if (!(ex instanceof QmpDisconnectedException)) {
                log.debug("{}ending the session: {}", prefix, ex.getMessage()); // every pending call fails with it
            }
        }
        ctx.close();
    }

    // ---------------------------------------------------------------- greeting and negotiation

    private void onGreeting(ObjectNode obj) {
        JsonNode qmp = obj.get("QMP");
        Greeting g;
        try {
            if (qmp == null || !qmp.isObject()) {
                throw new GreetingException("expected the QMP greeting, got: " + abbreviate(obj), null);
            }
            VersionInfo version = Json.MAPPER.treeToValue(qmp.get("version"), VersionInfo.class);
            if (version == null) {
                throw new GreetingException("greeting has no version: " + abbreviate(obj), null);
            }
            List<String> caps = new ArrayList<>();
            JsonNode capNode = qmp.get("capabilities");
            if (capNode != null && capNode.isArray()) {
                capNode.forEach(c -> caps.add(c.asText()));
            } else {
                throw new GreetingException("greeting has no capabilities array: " + abbreviate(obj), null);
            }
            g = new Greeting(version, caps);
        } catch (GreetingException e) {
            protocolError(e);
            return;
        } catch (JsonProcessingException | RuntimeException e) {
            protocolError(new GreetingException("invalid QMP greeting: " + abbreviate(obj), e));
            return;
        }
        greeting = g;
        oob = cfg.enableOob() && g.offersOob();
        state.set(QmpState.NEGOTIATING);
        log.debug("{}greeting: QEMU {}, capabilities {}", prefix, g.version(), g.capabilities());
        String cmd = "{\"execute\":\"qmp_capabilities\"" + (oob ? ",\"arguments\":{\"enable\":[\"oob\"]}" : "")
                + ",\"id\":" + NEGOTIATION_ID + "}";
        if (wire.isTraceEnabled()) {
            wire.trace("{}--> {}", prefix, cmd);
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(cmd.getBytes(StandardCharsets.US_ASCII)));
    }

    private void onNegotiated(ObjectNode obj) {
        JsonNode error = obj.get("error");
        if (error != null) {
            QmpCommandException refused = new QmpCommandException("qmp_capabilities", "0",
                    QmpErrorClass.of(error.path("class").asText("GenericError")), error.path("desc").asText(""));
            protocolError(new NegotiationException("QEMU refused qmp_capabilities: " + refused.getMessage(), refused));
            return;
        }
        window = oob ? cfg.inBandWindow() : Integer.MAX_VALUE;
        if (!state.compareAndSet(QmpState.NEGOTIATING, QmpState.RUNNING)) {
            return; // closing already
        }
        Timeout t = connectDeadline;
        if (t != null) {
            t.cancel();
        }
        log.debug("{}session running (oob {})", prefix, oob ? "on" : "off");
        Greeting g = greeting;
        Callbacks.run(cfg.executor(), () -> connected.complete(g));
    }

    // ---------------------------------------------------------------- commands

    /**
     * Sends a command. The returned future is completed on the callback executor, or by the
     * thread that waits for it in {@code get()} or {@code join()} (see {@link ReplyFuture}).
     *
     * @param fds descriptors to pass with SCM_RIGHTS right before the command, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> submit(QmpCommand<R> command, Duration timeout, FileDescriptor[] fds) {
        ObjectNode args;
        try {
            args = Json.arguments(command);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(command, args, timeout, fds);
    }

    /** As {@link #submit(QmpCommand, Duration, FileDescriptor[])} with the arguments already serialized. */
    public <R> CompletableFuture<R> submit(QmpCommand<R> command, ObjectNode args, Duration timeout, FileDescriptor[] fds) {
        QmpState s = state.get();
        if (s != QmpState.RUNNING) {
            return CompletableFuture.failedFuture(new QmpStateException("executing '" + command.commandName() + "'", s, QmpState.RUNNING));
        }
        if (fds != null && !(channel instanceof UnixNioChannel)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "file descriptors can only be passed over a UNIX socket, not " + cfg.endpoint()));
        }
        boolean useOob = oob && command.allowOob();
        byte[] encoded;
        JavaType type;
        try {
            encoded = encode(command.commandName(), args, useOob);
            type = Json.MAPPER.constructType(command.resultType());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Object> f = new ReplyFuture();
        Pending p = new Pending(command.commandName(), encoded, useOob, fds, type, f, command.completesOnDisconnect());
        Duration t = timeout == null ? cfg.commandTimeout() : timeout;
        if (!t.isZero() && !t.isNegative()) {
            // The deadline covers the whole wait the caller sees, including time queued client-side.
            p.timeout = cfg.timer().newTimeout(x -> expire(p, t), t.toNanos(), TimeUnit.NANOSECONDS);
        }
        EventLoop loop = channel.eventLoop();
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

    private static byte[] encode(String name, ObjectNode argNode, boolean useOob) {
        String key = useOob ? "{\"exec-oob\":" : "{\"execute\":";
        if (argNode == null || argNode.isEmpty()) {
            return NO_ARG_PREFIXES.computeIfAbsent(key + name, k -> (key + quote(name) + ",\"id\":").getBytes(StandardCharsets.UTF_8));
        }
        try {
            return (key + quote(name) + ",\"arguments\":" + Json.MAPPER.writeValueAsString(argNode) + ",\"id\":")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode the arguments of '" + name + "': " + e.getOriginalMessage(), e);
        }
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void enqueue(Pending p) {
        if (finished || state.get() != QmpState.RUNNING) {
            fail(p, disconnected());
            return;
        }
        if (p.oob || inBandOnWire < window) {
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
        buf.writeBytes(p.prefix);
        buf.writeCharSequence(idText, StandardCharsets.US_ASCII);
        buf.writeByte('}');
        if (wire.isTraceEnabled()) {
            wire.trace("{}--> {}", prefix, Redaction.redact(buf.toString(StandardCharsets.UTF_8))
                    + (p.fds != null ? " (+" + p.fds.length + " fd)" : ""));
        }
        if (p.fds != null) {
            try {
                // SCM_RIGHTS rides on the next write; send it on one ignorable byte, right before
                // the command that consumes it (QMP's lexer skips whitespace between objects).
                ctx.flush();
                ((UnixNioChannel) ctx.channel()).setOutboundFileDescriptors(p.fds);
            } catch (IOException e) {
                pending.remove(id);
                if (!p.oob) {
                    inBandOnWire--;
                }
                buf.release();
                fail(p, new QmpDisconnectedException("cannot pass file descriptors: " + e.getMessage(), e));
                return;
            }
            ctx.write(Unpooled.wrappedBuffer(FD_CARRIER));
            ctx.writeAndFlush(buf);
            return;
        }
        ctx.write(buf, ctx.voidPromise());
        if (!flushScheduled) {
            // Coalesce a burst of commands submitted together into one write system call.
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void expire(Pending p, Duration t) {
        Runnable r = () -> {
            if (p.future.isDone()) {
                return;
            }
            if (p.onWire) {
                // QEMU still holds the command; keep its slot until the late reply frees it.
                p.timedOut = true;
            } else {
                waiting.remove(p);
            }
            fail(p, new QmpTimeoutException("'" + p.name + "'" + (p.id >= 0 ? " (id " + p.id + ")" : ""), t));
        };
        try {
            channel.eventLoop().execute(r);
        } catch (RejectedExecutionException e) {
            fail(p, new QmpTimeoutException("'" + p.name + "'", t));
        }
    }

    private void complete(Pending p, ObjectNode reply) {
        JsonNode error = reply.get("error");
        if (error != null) {
            p.future.completeExceptionally(new QmpCommandException(p.name, Long.toString(p.id),
                    QmpErrorClass.of(error.path("class").asText("GenericError")), error.path("desc").asText("")));
            return;
        }
        JsonNode ret = reply.get("return");
        try {
            Object value;
            if (Pending.wantsRaw(p.resultType)) {
                value = ret;
            } else if (p.isVoid()) {
                value = null;
            } else {
                value = Json.MAPPER.treeToValue(ret, p.resultType);
            }
            p.future.complete(value);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            p.future.completeExceptionally(new MalformedReplyException("the reply to '" + p.name + "' (id " + p.id
                    + ") does not fit " + p.resultType + ": " + e.getMessage(), e));
        }
    }

    private void fail(Pending p, QmpException ex) {
        if (p.timeout != null) {
            p.timeout.cancel();
        }
        Callbacks.run(cfg.executor(), () -> p.future.completeExceptionally(ex));
    }

    // ---------------------------------------------------------------- close

    public CompletableFuture<Void> close() {
        while (true) {
            QmpState s = state.get();
            if (s == QmpState.CLOSED || s == QmpState.CLOSING) {
                break;
            }
            if (s == QmpState.IDLE) {
                if (state.compareAndSet(s, QmpState.CLOSED)) {
                    QmpDisconnectedException ex = new QmpDisconnectedException("client closed before it connected", null);
                    hub.end(ex);
                    closed.complete(ex);
                    break;
                }
                continue;
            }
            if (state.compareAndSet(s, QmpState.CLOSING)) {
                userClosed = true;
                Channel ch = channel;
                if (ch != null) {
                    ch.close();
                }
                break;
            }
        }
        return closed.thenApply(x -> null);
    }

    private QmpDisconnectedException disconnected() {
        String msg;
        if (failure instanceof QmpDisconnectedException d) {
            return d;
        } else if (failure != null) {
            msg = "session with " + cfg.endpoint() + " ended: " + failure.getMessage();
        } else if (userClosed) {
            msg = "client closed";
        } else {
            msg = "connection closed by " + cfg.endpoint() + " (QEMU quit or was killed?)";
        }
        return new QmpDisconnectedException(msg, failure);
    }

    /** Runs once, on the I/O thread, when the channel has closed for whatever reason. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        state.set(QmpState.CLOSED);
        Timeout t = connectDeadline;
        if (t != null) {
            t.cancel();
        }
        QmpDisconnectedException ex = disconnected();
        log.debug("{}session closed: {}", prefix, ex.getMessage());
        if (!connected.isDone()) {
            QmpException connectFailure;
            if (failure != null && !(failure instanceof QmpDisconnectedException)) {
                connectFailure = failure;
            } else {
                connectFailure = new QmpConnectException(cfg.endpoint(), userClosed ? "client closed while connecting"
                        : "connection to " + cfg.endpoint() + " closed before the QMP session was set up", ex);
            }
            Callbacks.run(cfg.executor(), () -> connected.completeExceptionally(connectFailure));
        }
        List<Pending> all = new ArrayList<>(pending.values());
        all.addAll(waiting);
        pending.clear();
        waiting.clear();
        for (Pending p : all) {
            if (p.timedOut) {
                continue;
            }
            if (p.completesOnDisconnect && p.onWire && !userClosed && failure == null) {
                if (p.timeout != null) {
                    p.timeout.cancel();
                }
                Callbacks.run(cfg.executor(), () -> p.future.complete(null));
            } else {
                fail(p, ex);
            }
        }
        hub.end(ex);
        Callbacks.run(cfg.executor(), () -> closed.complete(ex));
    }

    // ---------------------------------------------------------------- helpers

    private static QmpEvent toEvent(String name, ObjectNode obj) {
        JsonNode data = obj.get("data");
        if (data == null || data.isNull()) {
            data = Json.MAPPER.createObjectNode();
        }
        JsonNode ts = obj.get("timestamp");
        Instant when = Instant.EPOCH;
        if (ts != null) {
            long sec = ts.path("seconds").asLong(0);
            long usec = ts.path("microseconds").asLong(0);
            if (sec >= 0 && usec >= 0) {
                when = Instant.ofEpochSecond(sec, usec * 1000);
            }
        }
        return new QmpEvent(name, data, when);
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
