package io.qmp4j.core.internal;

import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.FileDescriptor;
import java.io.IOException;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * A Netty NIO channel over a junixsocket {@link AFUNIXSocketChannel}: a UNIX socket that can
 * carry file descriptors (SCM_RIGHTS), which the JDK's own UNIX channels cannot.
 *
 * <p>It is created around a socket that is already connected. junixsocket's selector marks the
 * key of an unconnected socket invalid when poll() reports POLLHUP for it, and Netty then
 * closes the channel: connecting through Netty after registration lost about one connect in
 * ten here. A UNIX connect completes at once (or fails at once), so nothing is lost by doing it
 * first.
 */
final class UnixNioChannel extends NioSocketChannel {

    UnixNioChannel(AFUNIXSocketChannel connected) {
        super(null, connected);
    }

    /**
     * Attaches descriptors to the next write on the socket. Must be called on the event loop,
     * right before writing the bytes that carry them.
     */
    void setOutboundFileDescriptors(FileDescriptor... fds) throws IOException {
        ((AFUNIXSocketChannel) javaChannel()).setOutboundFileDescriptors(fds);
    }
}
