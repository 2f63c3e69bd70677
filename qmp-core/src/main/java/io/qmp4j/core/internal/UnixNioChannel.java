package io.qmp4j.core.internal;

import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * A Netty NIO channel over a junixsocket {@link AFUNIXSocketChannel}: a UNIX socket that can
 * carry file descriptors (SCM_RIGHTS), which the JDK's own UNIX channels cannot.
 */
final class UnixNioChannel extends NioSocketChannel {

    UnixNioChannel(SelectorProvider provider) {
        super(provider);
    }

    /**
     * Attaches descriptors to the next write on the socket. Must be called on the event loop,
     * right before writing the bytes that carry them.
     */
    void setOutboundFileDescriptors(FileDescriptor... fds) throws IOException {
        ((AFUNIXSocketChannel) javaChannel()).setOutboundFileDescriptors(fds);
    }
}
