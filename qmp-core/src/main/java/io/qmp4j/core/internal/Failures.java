package io.qmp4j.core.internal;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.qmp4j.core.GreetingException;
import io.qmp4j.core.MalformedReplyException;
import io.qmp4j.core.QmpConnectException;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpException;
import io.qmp4j.core.QmpProtocolException;
import io.qmp4j.core.QmpState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed exception a session ends with for what went wrong in its pipeline: a frame over the
 * limit, input that is not JSON (before the greeting: a peer that does not speak QMP, said in
 * words), a failed TLS handshake, a broken socket.
 */
final class Failures {

    private static final Logger log = LoggerFactory.getLogger(Failures.class);
    /** The hex dump that ends the message of Netty's JSON decoder when the input is not JSON. */
    private static final Pattern HEX_TAIL = Pattern.compile("([0-9a-f]{2,})$");

    private Failures() {
    }

    /** @return what {@code cause}, raised in the pipeline of a session in {@code state}, means for the caller */
    static QmpException classify(Throwable cause, SessionConfig cfg, QmpState state, String prefix) {
        if (cause instanceof TooLongFrameException) {
            return new MalformedReplyException("a message from QEMU exceeds the limit of " + cfg.maxFrameBytes() + " bytes", cause);
        } else if (cause instanceof CorruptedFrameException && state == QmpState.CONNECTING) {
            return notQmp(cause, cfg);
        } else if (cause instanceof CorruptedFrameException) {
            return new MalformedReplyException("malformed input from QEMU: " + cause.getMessage(), cause);
        } else if (cause instanceof QmpException q) {
            return q;
        } else if (TlsSupport.isTlsFailure(cause) && state != QmpState.RUNNING) {
            return new QmpConnectException(cfg.endpoint(), "TLS handshake with " + cfg.endpoint() + " failed: "
                    + TlsSupport.reason(cause), cause);
        } else if (cause instanceof IOException) {
            log.debug("{}I/O error: {}", prefix, cause.toString());
            return new QmpDisconnectedException("connection to " + cfg.endpoint() + " failed: " + cause.getMessage(), cause);
        }
        return new QmpProtocolException("unexpected failure in the QMP pipeline: " + cause, cause);
    }

    /** What a peer that does not speak QMP sent instead of a greeting, as text (Netty's decoder reports it in hex). */
    private static QmpException notQmp(Throwable cause, SessionConfig cfg) {
        Matcher m = HEX_TAIL.matcher(String.valueOf(cause.getMessage()));
        String said = "";
        if (m.find()) {
            byte[] b = HexFormat.of().parseHex(m.group(1).length() % 2 == 0 ? m.group(1) : m.group(1).substring(1));
            said = new String(b, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]+", " ").strip();
        }
        String hint = said.startsWith("QEMU") && said.contains("monitor")
                ? ": it is a human monitor (HMP, -monitor), not QMP (-qmp, or -chardev ... -mon mode=control)" : "";
        return new GreetingException(cfg.endpoint() + " does not speak QMP" + hint + (said.isEmpty() ? "" : "; it sent: '"
                + (said.length() > 120 ? said.substring(0, 120) + "..." : said) + "'"), cause);
    }
}
