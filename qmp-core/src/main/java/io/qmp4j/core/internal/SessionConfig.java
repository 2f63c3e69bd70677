package io.qmp4j.core.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.util.Timer;
import io.qmp4j.core.QmpEndpoint;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What a session needs, resolved by {@code QmpClient} from its options and resources.
 *
 * @param endpoint where to connect
 * @param group the event loop group for this endpoint's kind of socket
 * @param executor the executor that completes user futures
 * @param timer the timer for deadlines
 * @param connectTimeout the deadline for connect + greeting + negotiation
 * @param commandTimeout the default deadline per command
 * @param enableOob whether to negotiate out-of-band execution when offered
 * @param maxFrameBytes the largest JSON object accepted from the server
 * @param inBandWindow how many in-band commands may be on the wire at once with OOB on
 * @param historySize how many recent events to keep
 * @param name the name used in log lines
 * @param fdPassing whether a UNIX socket must carry file descriptors (junixsocket's channel; the JDK's otherwise)
 * @param repliesOnIoThread whether replies complete their futures on the I/O thread rather than on {@code executor}
 */
public record SessionConfig(QmpEndpoint endpoint, EventLoopGroup group, Executor executor, Timer timer,
                            Duration connectTimeout, Duration commandTimeout, boolean enableOob,
                            int maxFrameBytes, int inBandWindow, int historySize, String name,
                            boolean fdPassing, boolean repliesOnIoThread) {
}
