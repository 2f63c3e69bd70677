package io.qmp4j.core;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.qmp4j.core.schema.QmpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.newsclub.net.unix.AFUNIXSelectorProvider;

/**
 * The threads behind {@link QmpClient}s: the I/O event loop, a timer for deadlines, and the
 * executor that completes user futures and delivers events. Many clients share one: a single
 * I/O thread serves a thousand sessions. Create one per application, pass it to every client's
 * builder, and close it when all its clients are closed.
 *
 * <p>An executor passed to {@link Builder#callbackExecutor(Executor)} belongs to the caller and
 * is never shut down by {@link #close()}: you have to take care of that. Thread-safe.
 *
 * @since 0.1
 */
public final class QmpResources implements AutoCloseable {

    private final int ioThreads;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final Duration timerTick;
    private final QmpListener listener;
    private HashedWheelTimer timer; // guarded by this, created on first use
    private final Timer lazyTimer = new Timer() {
        @Override
        public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
            return wheel().newTimeout(task, delay, unit);
        }

        @Override
        public Set<Timeout> stop() {
            throw new UnsupportedOperationException("the timer stops with its QmpResources");
        }
    };
    /** Schemas by QEMU version, package and target: fetched once, shared by all clients. */
    private final ConcurrentHashMap<String, QmpSchema> schemas = new ConcurrentHashMap<>();
    private final Optional<SchemaStore> schemaStore;
    /** The clients built on these resources and not yet closed: close() ends them first. */
    private final Set<QmpClient> clients = ConcurrentHashMap.newKeySet();
    private EventLoopGroup unixGroup; // guarded by this, created on first use
    private EventLoopGroup inetGroup; // guarded by this, created on first use
    private boolean closed; // guarded by this

    private QmpResources(Builder b) {
        this.ioThreads = b.ioThreads;
        if (b.callbackExecutor != null) {
            this.executor = b.callbackExecutor;
            this.ownedExecutor = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(b.callbackThreads, b.callbackThreads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), new DefaultThreadFactory("qmp4j-callback", true));
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.ownedExecutor = pool;
        }
        this.timerTick = b.timerTick;
        this.listener = b.listener;
        this.schemaStore = b.schemaDirectory == null ? Optional.empty() : SchemaStore.open(b.schemaDirectory);
    }

    /** @return resources with the defaults: one I/O thread, a small callback pool */
    public static QmpResources create() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the executor that completes futures and delivers events */
    public Executor callbackExecutor() {
        return executor;
    }

    synchronized EventLoopGroup unixGroup() {
        requireOpen();
        if (unixGroup == null) {
            // junixsocket channels need junixsocket's own selector.
            unixGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("qmp4j-io-unix", true),
                    NioIoHandler.newFactory(AFUNIXSelectorProvider.provider(), DefaultSelectStrategyFactory.INSTANCE));
        }
        return unixGroup;
    }

    synchronized EventLoopGroup inetGroup() {
        requireOpen();
        if (inetGroup == null) {
            inetGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("qmp4j-io-tcp", true),
                    NioIoHandler.newFactory());
        }
        return inetGroup;
    }

    /** @return the listener of the clients built on these resources without one of their own */
    QmpListener listener() {
        return listener;
    }

    void track(QmpClient client) {
        clients.add(client);
    }

    void untrack(QmpClient client) {
        clients.remove(client);
    }

    ConcurrentHashMap<String, QmpSchema> schemaCache() {
        return schemas;
    }

    /** @return where schemas are kept across processes, when the builder named a directory that can be used */
    Optional<SchemaStore> schemaStore() {
        return schemaStore;
    }

    /** @return the timer for deadlines: a view that creates Netty's timer (and its thread) on the first deadline */
    Timer timer() {
        return lazyTimer;
    }

    private synchronized HashedWheelTimer wheel() {
        requireOpen();
        if (timer == null) {
            timer = new HashedWheelTimer(new DefaultThreadFactory("qmp4j-timer", true), timerTick.toNanos(), TimeUnit.NANOSECONDS);
        }
        return timer;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("QmpResources is closed");
        }
    }

    private static boolean onEventLoop(EventLoopGroup g) {
        if (g == null) {
            return false;
        }
        for (EventExecutor e : g) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** @return whether {@link #close()} was called */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Closes the clients still open on these resources (their pending commands fail with
     * {@link QmpDisconnectedException}), then stops the I/O threads, the timer and the callback
     * executor if this object created it. Waits a few seconds at most.
     */
    @Override
    public void close() {
        EventLoopGroup u;
        EventLoopGroup i;
        HashedWheelTimer t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            u = unixGroup;
            i = inetGroup;
            t = timer;
        }
        // End every session while its event loop still runs, so that its pending commands fail
        // and its subscribers hear of it: a loop that shuts down does not reliably close the
        // channels registered with it (seen with junixsocket's selector).
        CompletableFuture<?>[] ends = List.copyOf(clients).stream().map(QmpClient::closeAsync).toArray(CompletableFuture[]::new);
        // On an I/O thread, waiting would keep that thread from closing them: do not wait there.
        if (!onEventLoop(u) && !onEventLoop(i)) {
            try {
                CompletableFuture.allOf(ends).get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // best effort: the loops are shut down below in any case
            }
        }
        for (EventLoopGroup g : new EventLoopGroup[] {u, i}) {
            if (g != null) {
                g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
        if (t != null) {
            t.stop();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    /**
     * Options of {@link QmpResources}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private int ioThreads = 1;
        private int callbackThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Executor callbackExecutor;
        private Duration timerTick = Duration.ofMillis(10);
        private QmpListener listener = QmpListener.NONE;
        private Path schemaDirectory;

        private Builder() {
        }

        /**
         * Keeps each QEMU build's schema (by version, package and target) in this directory, so
         * that a later process reads it instead of fetching {@code query-qmp-schema} again (180
         * KiB; QEMU 7.2 takes ~90 ms to produce it): for short-lived processes such as a CLI.
         * The directory is created owner-only; one that others may write is not used (logged).
         * A QEMU rebuilt without changing its version and package string would be checked
         * against its predecessor's schema: QEMU still refuses what it does not take.
         *
         * @param directory the directory; default none (schemas are shared in memory only)
         * @return this builder
         */
        public Builder schemaDirectory(Path directory) {
            this.schemaDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @param threads I/O threads per socket family; default 1, which serves a thousand sessions
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads " + threads + " < 1");
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * @param threads threads of the callback pool this object creates; default the number of CPUs, at least 2
         * @return this builder
         */
        public Builder callbackThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("callbackThreads " + threads + " < 1");
            }
            this.callbackThreads = threads;
            return this;
        }

        /**
         * @param executor completes futures and delivers events instead of a pool of our own;
         *                 never shut down by {@link QmpResources#close()}
         * @return this builder
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param tick the resolution of deadlines; default 10 ms
         * @return this builder
         */
        public Builder timerTick(Duration tick) {
            if (tick.isNegative() || tick.isZero()) {
                throw new IllegalArgumentException("timerTick " + tick + " is not positive");
            }
            this.timerTick = tick;
            return this;
        }

        /**
         * @param listener told of every client's state changes, commands, events and drops, for
         *                 metrics (a client's own {@link QmpClient.Builder#listener} takes its place)
         * @return this builder
         */
        public Builder listener(QmpListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** @return the resources; their threads start on first use */
        public QmpResources build() {
            return new QmpResources(this);
        }
    }
}
