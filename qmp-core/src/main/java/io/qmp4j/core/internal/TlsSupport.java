package io.qmp4j.core.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpEndpoint;
import io.qmp4j.core.QmpTls;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/** TLS for QMP over TCP: Netty's SslHandler with PKIX trust in QEMU's CA and an optional client certificate. */
final class TlsSupport {

    private TlsSupport() {
    }

    static SslContext context(QmpEndpoint.Tls endpoint) {
        QmpTls tls = endpoint.tls();
        try {
            require(endpoint, tls.caCert(), "CA certificate");
            SslContextBuilder b = SslContextBuilder.forClient().trustManager(tls.caCert().toFile());
            if (tls.clientCert().isPresent()) {
                require(endpoint, tls.clientCert().get(), "client certificate");
                require(endpoint, tls.clientKey().get(), "client key");
                b.keyManager(tls.clientCert().get().toFile(), tls.clientKey().get().toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new QmpConnectException(endpoint, "cannot load the TLS credentials for " + endpoint + ": " + reason(e)
                    + " (PEM files; the key must be unencrypted PKCS#8)", e);
        }
    }

    private static void require(QmpEndpoint endpoint, Path file, String what) {
        if (!Files.isReadable(file)) {
            throw new QmpConnectException(endpoint, "the " + what + " " + file + " is missing or unreadable",
                    new java.io.FileNotFoundException(file.toString()));
        }
    }

    /** A handler that checks the server certificate's name like HTTPS does. */
    static SslHandler handler(SslContext context, Channel ch, QmpEndpoint.Tls endpoint) {
        String name = endpoint.tls().hostname().orElse(endpoint.host());
        SslHandler h = context.newHandler(ch.alloc(), name, endpoint.port());
        SSLEngine engine = h.engine();
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(p);
        return h;
    }

    /**
     * QEMU 7.2's TLS chardev (QIOChannelTLS under char-socket) reads a record's plaintext only
     * as far as the monitor asks for, and looks at the socket again only when more bytes
     * arrive: a command sent alone is executed when the next record comes (measured: the reply
     * to each command arrived only with the next one). So every flush is followed by a second
     * record holding one newline, which QEMU's JSON parser skips as whitespace.
     */
    static final class Nudge extends ChannelOutboundHandlerAdapter {
        private static final byte[] NEWLINE = {'\n'};

        @Override
        public void flush(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.write(Unpooled.wrappedBuffer(NEWLINE));
            ctx.flush();
        }
    }

    static boolean isTlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    static String reason(Throwable t) {
        Throwable c = t;
        while ((c instanceof DecoderException || c.getMessage() == null) && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
