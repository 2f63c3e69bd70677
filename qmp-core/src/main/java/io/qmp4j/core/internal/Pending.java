package io.qmp4j.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.Timeout;
import io.qmp4j.core.MalformedReplyException;
import io.qmp4j.core.QmpCommandException;
import io.qmp4j.core.QmpErrorClass;
import io.qmp4j.core.QmpCommand;
import io.qmp4j.core.QmpDisconnectedException;
import io.qmp4j.core.QmpException;
import java.io.FileDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/** A command from submission to its reply. Fields other than the finals are guarded by the correlator's lock. */
final class Pending {

    final String name;
    /** The encoded command up to and including {@code "id":}; the id and '}' follow. */
    final byte[] prefix;
    final boolean oob;
    final FileDescriptor[] fds;
    final JavaType resultType; // null: JsonNode as is
    final Function<JsonNode, ?> decoder; // null: by resultType, through Jackson
    final CompletableFuture<Object> future;
    /** The peer closing the connection completes the command normally ({@code quit}). */
    final boolean completesOnDisconnect;

    long id = -1;
    boolean onWire;
    boolean timedOut;
    Timeout timeout;

    Pending(String name, byte[] prefix, boolean oob, FileDescriptor[] fds, JavaType resultType, Function<JsonNode, ?> decoder,
            CompletableFuture<Object> future, boolean completesOnDisconnect) {
        this.decoder = decoder;
        this.completesOnDisconnect = completesOnDisconnect;
        this.name = name;
        this.prefix = prefix;
        this.oob = oob;
        this.fds = fds;
        this.resultType = resultType;
        this.future = future;
    }

    /**
     * A command about to be sent, with the future that {@link ReplyFuture} gives its caller.
     *
     * @param waiting how a thread blocked on it waits, or null to park
     */
    static Pending of(QmpCommand<?> command, byte[] prefix, boolean oob, FileDescriptor[] fds, ReplyFuture.Waiting waiting) {
        return new Pending(command.commandName(), prefix, oob, fds, Json.MAPPER.constructType(command.resultType()),
                command.resultDecoder(), new ReplyFuture(waiting), command.completesOnDisconnect());
    }

    /** @return the command as sent: the prefix, then its id and the closing brace */
    byte[] bytes() {
        byte[] idText = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(prefix, prefix.length + idText.length + 1);
        System.arraycopy(idText, 0, bytes, prefix.length, idText.length);
        bytes[bytes.length - 1] = '}';
        return bytes;
    }

    void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel();
        }
    }

    /** Fails the command on the callback executor. */
    void fail(Executor executor, QmpException ex) {
        cancelTimeout();
        Callbacks.run(executor, () -> future.completeExceptionally(ex));
    }

    /**
     * The session ended: the command fails with {@code ex}, unless it timed out already, or it is
     * on the wire and a clean disconnect is its success ({@code quit}).
     */
    void end(Executor executor, QmpDisconnectedException ex, boolean cleanDisconnect) {
        if (timedOut) {
            return;
        }
        if (completesOnDisconnect && onWire && cleanDisconnect) {
            cancelTimeout();
            Callbacks.run(executor, () -> future.complete(null));
        } else {
            fail(executor, ex);
        }
    }

    /** Completes the future with the reply: its error as {@link QmpCommandException}, or its return decoded. */
    void complete(ObjectNode reply) {
        JsonNode error = reply.get("error");
        if (error != null) {
            future.completeExceptionally(new QmpCommandException(name, Long.toString(id),
                    QmpErrorClass.of(error.path("class").asText("GenericError")), error.path("desc").asText("")));
            return;
        }
        JsonNode ret = reply.get("return");
        try {
            future.complete(decoder != null ? decoder.apply(ret) : wantsRaw(resultType) ? ret : isVoid() ? null
                    : Json.MAPPER.treeToValue(ret, resultType));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            future.completeExceptionally(new MalformedReplyException("the reply to '" + name + "' (id " + id
                    + ") does not fit " + resultType + ": " + e.getMessage(), e));
        }
    }

    boolean isVoid() {
        return resultType != null && resultType.getRawClass() == Void.class;
    }

    @Override
    public String toString() {
        return "'" + name + "'" + (id >= 0 ? " (id " + id + ")" : "");
    }

    static boolean wantsRaw(JavaType type) {
        return type == null || JsonNode.class.isAssignableFrom(type.getRawClass());
    }
}
