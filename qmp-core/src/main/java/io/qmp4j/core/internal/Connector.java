package io.qmp4j.core.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * Opens the channel to a monitor (a UNIX socket through junixsocket, TCP, or TCP with TLS) and
 * lays out its pipeline: {@code [tls] → frames → handshake → inbound → correlator}.
 */
final class Connector {

    /**
     * At most one read of at most 4 KiB per session each time round the event loop. Sessions
     * share one I/O thread; a session flooding events (or a large reply) then takes its turn
     * with the others instead of keeping the thread for up to 16 reads of 64 KiB, which is
     * Netty's default (ScaleBenchmark: quiet sessions 13-32x slower under a flood with that,
     * about 2x with this). Handles are per channel; the allocator itself is shareable.
     */
    private static final RecvByteBufAllocator READ_BUDGET = new AdaptiveRecvByteBufAllocator(64, 1024, FrameReader.READ_BYTES)
            .maxMessagesPerRead(1);

    /** What a connect to a UNIX socket whose listener's backlog is full says, and what it means. */
    private static final String EAGAIN = "Resource temporarily unavailable";
    private static final String BACKLOG_FULL = "the monitor's connection backlog is full: it is probably in use by other clients";

    /** What the pipeline is made of; the turn lets callers read sockets that commands are written to directly. */
    record Parts(FrameReader frames, ChannelHandler handshake, ChannelHandler inbound, Correlator correlator, ReadTurn turn) {
    }

    private final SessionConfig cfg;

    Connector(SessionConfig cfg) {
        this.cfg = cfg;
    }

    /**
     * Starts connecting; the returned future completes when the socket is connected (a UNIX
     * socket is connected before it is registered).
     *
     * @param whenConnected added to the returned future before the event loop sees the channel
     *        where the socket is connected here (UNIX), after otherwise: added later, it would
     *        contend with the loop completing the registration, and park the loop on its lock
     * @throws QmpConnectException when the endpoint is refused at once (UNIX) or TLS cannot be set up
     */
    ChannelFuture open(Parts parts, ChannelFutureListener whenConnected) {
        QmpEndpoint endpoint = cfg.endpoint();
        if (endpoint instanceof QmpEndpoint.Unix unix && !cfg.fdPassing()) {
            // Connected here (a UNIX connect completes or fails at once), registered connected.
            SocketChannel socket = connectUnix(unix, () -> SocketChannel.open(StandardProtocolFamily.UNIX),
                    () -> UnixDomainSocketAddress.of(unix.path()));
            return registerConnected(new NioDomainSocketChannel(socket), parts, reads(parts, socket), whenConnected);
        }
        if (endpoint instanceof QmpEndpoint.Unix unix) {
            AFUNIXSocketChannel socket = connectUnix(unix, () -> AFUNIXSelectorProvider.provider().openSocketChannel(),
                    () -> AFUNIXSocketAddress.of(unix.path()));
            // Registered already connected: see UnixNioChannel for why.
            return registerConnected(new UnixNioChannel(socket), parts, reads(parts, null), whenConnected);
        }
        // TCP: Netty connects, and lays out the pipeline once the channel is registered.
        SslContext ssl = endpoint instanceof QmpEndpoint.Tls tls ? TlsSupport.context(tls) : null;
        SocketChannel socket = ssl == null ? openTcp(endpoint) : null; // no TLS: callers may read the socket
        RecvByteBufAllocator reads = reads(parts, socket);
        Bootstrap b = new Bootstrap().group(cfg.group())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()))
                .option(ChannelOption.RCVBUF_ALLOCATOR, reads)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        install(ch, ssl, parts);
                    }
                });
        ChannelFuture connect;
        if (endpoint instanceof QmpEndpoint.Tls tls) {
            connect = b.channel(NioSocketChannel.class).connect(InetSocketAddress.createUnresolved(tls.host(), tls.port()));
        } else {
            QmpEndpoint.Tcp tcp = (QmpEndpoint.Tcp) endpoint;
            connect = b.channelFactory(() -> new NioSocketChannel(socket)).connect(InetSocketAddress.createUnresolved(tcp.host(), tcp.port()));
        }
        return connect.addListener(whenConnected);
    }

    /**
     * The one place that decides who reads a session's socket, and so who flushes the replies a
     * read completes. A JDK channel without TLS ({@code direct}) is direct: the correlator writes
     * commands to it, blocked callers may read it, and the loop's reads take the turn
     * ({@link ReadTurn#lockingReads}) and flush at its end. Otherwise ({@code null}) only the loop
     * reads, and the correlator flushes in {@code channelReadComplete}.
     *
     * @return the read allocator for the channel
     */
    private static RecvByteBufAllocator reads(Parts parts, SocketChannel direct) {
        if (direct == null) {
            return READ_BUDGET;
        }
        parts.correlator().writeDirectlyTo(direct);
        parts.turn().attach(direct);
        return parts.turn().lockingReads(READ_BUDGET);
    }

    /**
     * Registers a channel whose socket is connected already, its pipeline laid out and the
     * listener on its registration before the event loop sees it (what {@code Bootstrap} does,
     * but in that order).
     *
     * @param reads its read allocator ({@link #reads})
     */
    private ChannelFuture registerConnected(Channel ch, Parts parts, RecvByteBufAllocator reads, ChannelFutureListener whenConnected) {
        ch.config().setRecvByteBufAllocator(reads);
        install(ch, null, parts);
        ChannelPromise registered = ch.newPromise();
        registered.addListener(whenConnected);
        return cfg.group().register(registered);
    }

    private static SocketChannel openTcp(QmpEndpoint endpoint) {
        try {
            return SocketChannel.open();
        } catch (IOException e) {
            throw new QmpConnectException(endpoint, "cannot open a socket for " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** Lays out the pipeline on a channel that is connected already (tests use an {@code EmbeddedChannel}). */
    void install(Channel ch, SslContext ssl, Parts parts) {
        if (ssl != null && cfg.endpoint() instanceof QmpEndpoint.Tls tls) {
            ch.pipeline().addLast("tls", TlsSupport.handler(ssl, ch, tls));
            ch.pipeline().addLast("tls-nudge", new TlsSupport.Nudge());
        }
        ch.pipeline().addLast("frames", parts.frames());
        ch.pipeline().addLast("handshake", parts.handshake());
        ch.pipeline().addLast("inbound", parts.inbound());
        ch.pipeline().addLast("qmp", parts.correlator());
    }

    /** @return why a connect failed, in words: a full backlog (EAGAIN on a UNIX socket) says what it means */
    static String reason(Throwable cause) {
        if (cause instanceof UnknownHostException) {
            return "the host name " + cause.getMessage().split(":")[0] + " does not resolve";
        }
        String m = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (m.contains(EAGAIN)) {
            return BACKLOG_FULL;
        }
        return cause instanceof SocketException ? m : cause.toString(); // ConnectException included
    }

    /** Opens a socket, or its address. */
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Connects a UNIX socket of either implementation (the JDK's, junixsocket's) before it is registered. */
    private static <S extends SocketChannel> S connectUnix(QmpEndpoint.Unix unix, IoSupplier<S> open, IoSupplier<SocketAddress> address) {
        S socket = null;
        try {
            socket = open.get();
            socket.configureBlocking(false);
            // A UNIX connect completes or fails at once; false means the listener's backlog is full.
            if (!socket.connect(address.get())) {
                throw new IOException(BACKLOG_FULL);
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            throw connectFailed(unix, socket, e);
        }
    }

    private static QmpConnectException connectFailed(QmpEndpoint.Unix unix, SocketChannel socket, Exception e) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
        }
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reason.contains(EAGAIN)) {
            reason = BACKLOG_FULL;
        }
        return new QmpConnectException(unix, "cannot connect to " + unix + ": " + reason, e);
    }
}
