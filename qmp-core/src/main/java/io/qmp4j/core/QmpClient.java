package io.qmp4j.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.qapi.AddFd;
import io.qmp4j.core.qapi.AddfdInfo;
import io.qmp4j.core.qapi.Getfd;
import io.qmp4j.core.event.EventSubscription;
import io.qmp4j.core.event.OverflowPolicy;
import io.qmp4j.core.event.QmpEvent;
import io.qmp4j.core.event.QmpEvents;
import io.qmp4j.core.internal.EventHub;
import io.qmp4j.core.internal.Json;
import io.qmp4j.core.internal.Observer;
import io.qmp4j.core.schema.QmpSchema;
import io.qmp4j.core.internal.QmpSession;
import io.qmp4j.core.internal.SessionConfig;
import java.io.FileDescriptor;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An asynchronous client for one QMP monitor socket.
 *
 * <pre>{@code
 * try (QmpResources resources = QmpResources.create();
 *      QmpClient qmp = QmpClient.builder().endpoint(QmpEndpoint.unix(socket)).resources(resources).build()) {
 *     qmp.connect().join();
 *     StatusInfo status = qmp.execute(new QueryStatus()).join();
 * }
 * }</pre>
 *
 * <p>A client serves one session: {@link #connect()} once, execute any number of commands, in
 * parallel if you like (they are pipelined and correlated by id), then {@link #close()}. A
 * closed client stays closed; {@link #newBuilder()} makes another with the same options.
 *
 * <p>Thread-safe. Every returned future is completed on the callback executor of the client's
 * {@link QmpResources}, or, when a thread is already blocked in its {@code get()} or
 * {@code join()}, by that thread itself: on a UNIX socket (without {@code fdPassing}) or plain
 * TCP it reads the reply from the socket itself, as a blocking client does, and with it whatever
 * came before (events, others' replies); else the I/O thread hands it the reply. Either saves a
 * thread wake-up per round trip. Never on the I/O thread, so callbacks may block (briefly)
 * without stalling other sessions. Cancelling a future does not cancel the command in QEMU.
 *
 * @since 0.1
 */
public final class QmpClient implements AutoCloseable {

    private final Builder options;
    private final QmpResources resources;
    private final boolean ownsResources;
    private final EventHub hub;
    private final QmpSession session;
    private final Observer observer;
    private final SchemaGate schemaGate;
    private final CommandLocks locks;
    private final Object fdLock = new Object();
    private CompletableFuture<?> fdChain = CompletableFuture.completedFuture(null); // guarded by fdLock

    private QmpClient(Builder b) {
        this.options = b.copy();
        this.ownsResources = b.resources == null;
        this.resources = ownsResources ? QmpResources.builder().callbackThreads(2).build() : b.resources;
        String name = b.name != null ? b.name : b.endpoint.toString();
        this.observer = new Observer(b.endpoint, b.listener != null ? b.listener : resources.listener());
        this.hub = new EventHub(resources.callbackExecutor(), resources.timer(), b.eventHistory, name, observer);
        // junixsocket's channels (and selector) only where descriptors are passed: the JDK's UNIX channel
        // opens and connects several times faster (QmpBenchmark), on the same event loop as TCP.
        var group = b.endpoint instanceof QmpEndpoint.Unix && b.fdPassing ? resources.unixGroup() : resources.inetGroup();
        this.session = new QmpSession(new SessionConfig(b.endpoint, group, resources.callbackExecutor(), resources.timer(),
                b.connectTimeout, b.commandTimeout, b.oob, b.maxFrameBytes, b.inBandWindow, b.eventHistory, name, b.fdPassing,
                b.repliesOnIoThread), hub, observer);
        // The command path, one way: locks -> schema gate -> the session's correlator -> the wire.
        CommandPath wire = new CommandPath() {
            @Override
            public <R> CompletableFuture<R> send(Call<R> call) {
                return session.submit(call.command(), call.args(), call.timeout(), call.fds());
            }
        };
        this.schemaGate = new SchemaGate(wire, session, resources, b.schemaCheck, b.commandTimeout);
        this.locks = new CommandLocks(schemaGate);
        if (ownsResources) {
            session.closeFuture().whenComplete((x, t) -> resources.close());
        }
    }

    /** @return a builder with the defaults; {@link Builder#endpoint} must be set */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A client with the default options and resources of its own (threads started on connect,
     * stopped on close; see {@link Builder#resources}), for a tool with one or two clients.
     *
     * @param endpoint the monitor
     * @return a client, not connected yet
     */
    public static QmpClient create(QmpEndpoint endpoint) {
        return builder().endpoint(endpoint).build();
    }

    /** @return a builder with this client's options, for a new client */
    public Builder newBuilder() {
        return options.copy();
    }

    /**
     * Connects, reads the greeting and negotiates capabilities ({@code oob} when offered and
     * enabled). The whole sequence has the connect deadline; a monitor already serving another
     * client never greets and fails the deadline with a message that says so.
     *
     * @return the server's greeting once the session runs; fails with {@link QmpConnectException},
     *         {@link QmpProtocolException} or {@link QmpStateException} (called twice). When it
     *         fails, the connection is already released.
     */
    public CompletableFuture<Greeting> connect() {
        if (!ownsResources && state() == QmpState.IDLE) {
            // Known to the shared resources from the first connect until the session ends, so
            // that closing them ends it; a client never connected is not kept alive by them.
            resources.track(this);
            session.closeFuture().whenComplete((x, t) -> resources.untrack(this));
        }
        return session.connect();
    }

    /** @return the current state */
    public QmpState state() {
        return session.state();
    }

    /** @return the greeting, once received */
    public Optional<Greeting> greeting() {
        return Optional.ofNullable(session.greeting());
    }

    /** @return whether out-of-band execution was negotiated */
    public boolean isOobEnabled() {
        return session.oobEnabled();
    }

    /** @return the monitor this client talks to */
    public QmpEndpoint endpoint() {
        return options.endpoint;
    }

    /** @return the events of this session; subscriptions may be opened before {@link #connect()} */
    public QmpEvents events() {
        return hub;
    }

    /**
     * Executes a command with the client's default command timeout.
     *
     * @param command the command; must not be {@code null}
     * @param <R> the result type
     * @return the result; fails with {@link QmpCommandException} when QEMU answers with an error,
     *         {@link QmpTimeoutException}, {@link QmpDisconnectedException},
     *         {@link QmpStateException} when not running, {@link MalformedReplyException} when the
     *         reply does not fit the result type, {@link IllegalArgumentException} when the
     *         arguments cannot be encoded
     */
    public <R> CompletableFuture<R> execute(QmpCommand<R> command) {
        return execute(command, null);
    }

    /**
     * Executes a command with its own deadline. The deadline covers the whole wait, including
     * time queued behind other commands; when it passes, QEMU may still run the command.
     *
     * @param command the command; must not be {@code null}
     * @param timeout the deadline, or {@code null} for the client's default; zero for none
     * @param <R> the result type
     * @return the result, as {@link #execute(QmpCommand)}
     */
    public <R> CompletableFuture<R> execute(QmpCommand<R> command, Duration timeout) {
        return execute(command, timeout, null, null);
    }

    private <R> CompletableFuture<R> execute(QmpCommand<R> command, Duration timeout, FileDescriptor[] fds, CommandLock exempt) {
        Objects.requireNonNull(command, "command");
        ObjectNode args;
        try {
            args = Json.arguments(command);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return observer.command(command.commandName(), locks.send(new CommandPath.Call<>(command, args, timeout, fds, exempt)));
    }

    /**
     * The connected QEMU's QAPI schema, fetched with {@code query-qmp-schema} on first use and
     * cached in the {@link QmpResources} by QEMU version, package and target, so that many
     * clients of the same QEMU build fetch it once.
     *
     * @return the schema; fails as {@link #execute(QmpCommand)} when it cannot be fetched
     */
    public CompletableFuture<QmpSchema> schema() {
        return schemaGate.schema();
    }

    /**
     * Refuses the given commands through this client until the returned lock is closed: they
     * fail at once with {@link QmpRefusedException} naming the reason. The migration SDK uses it
     * to keep life-cycle and device commands away from a VM that is being migrated.
     *
     * @param commands command names, e.g. {@code stop}, {@code system_reset}, {@code device_del}
     * @param reason why, for the error message
     * @return the lock; its holder may still execute the commands through it
     */
    public CommandLock lock(Set<String> commands, String reason) {
        return locks.lock(commands, reason, lock -> new CommandLocks.Executor() {
            @Override
            public <R> CompletableFuture<R> execute(QmpCommand<R> command, Duration timeout) {
                return QmpClient.this.execute(command, timeout, null, lock);
            }
        });
    }

    /**
     * Executes any command by name: the escape hatch for commands without a typed record.
     *
     * @param name the command's name
     * @param arguments its arguments, or {@code null} for none
     * @return the {@code return} member, untouched
     */
    public CompletableFuture<JsonNode> executeRaw(String name, ObjectNode arguments) {
        return execute(QmpCommand.raw(name, arguments));
    }

    /**
     * As {@link #executeRaw(String, ObjectNode)} with a deadline of its own.
     *
     * @param name the command's name
     * @param arguments its arguments, or {@code null} for none
     * @param timeout the deadline, or {@code null} for the default
     * @return the {@code return} member, untouched
     */
    public CompletableFuture<JsonNode> executeRaw(String name, ObjectNode arguments, Duration timeout) {
        return execute(QmpCommand.raw(name, arguments), timeout);
    }

    /**
     * Executes a command and waits for the first event after it that matches: race-free, since
     * the subscription opens before the command is sent (the event may even arrive before the
     * reply, as {@code STOP} does before the reply to {@code stop}).
     *
     * @param command the command
     * @param event which event to wait for
     * @param timeout the deadline for both the reply and the event
     * @param <R> the result type
     * @return the reply and the event; fails as {@link #execute(QmpCommand)}, or with
     *         {@link QmpTimeoutException} when the event does not come in time
     */
    public <R> CompletableFuture<ReplyAndEvent<R>> executeAndAwait(QmpCommand<R> command,
                                                                   Predicate<? super QmpEvent> event, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(timeout, "timeout");
        // Capacity 1, keep the first: the first matching event is the one we want.
        EventSubscription sub = hub.subscription().names(Set.of()).filter(event).capacity(1)
                .overflow(OverflowPolicy.DROP_NEWEST).open();
        long start = System.nanoTime();
        CompletableFuture<ReplyAndEvent<R>> result = execute(command, timeout).thenCompose(reply -> {
            Duration left = timeout.minusNanos(System.nanoTime() - start);
            if (left.isNegative() || left.isZero()) {
                left = Duration.ofMillis(1);
            }
            return sub.next(left).thenApply(e -> new ReplyAndEvent<>(reply, e));
        });
        result.whenComplete((r, t) -> sub.close());
        return result;
    }

    /**
     * Passes a file descriptor to QEMU under a name ({@code getfd}): sent with SCM_RIGHTS on one
     * ignorable byte right before the {@code getfd} command, as one step on the I/O thread.
     * Concurrent calls are serialized, since QEMU keeps one received descriptor at a time. UNIX
     * sockets only.
     *
     * @param fdname the name QEMU will know it by (for {@code closefd} and command arguments)
     * @param fd an open descriptor; QEMU receives a duplicate, the caller still owns this one
     * @return completes when QEMU has the descriptor
     */
    public CompletableFuture<Void> sendFd(String fdname, FileDescriptor fd) {
        Objects.requireNonNull(fdname, "fdname");
        Objects.requireNonNull(fd, "fd");
        return withFd(new Getfd(fdname), fd);
    }

    /**
     * Adds a file descriptor to an fd set ({@code add-fd}), passed as {@link #sendFd} does.
     *
     * @param command the {@code add-fd} arguments (fd set id and opaque text, both optional)
     * @param fd an open descriptor; QEMU receives a duplicate
     * @return the fd set id and QEMU's number for the descriptor
     */
    public CompletableFuture<AddfdInfo> addFd(AddFd command, FileDescriptor fd) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(fd, "fd");
        return withFd(command, fd);
    }

    private <R> CompletableFuture<R> withFd(QmpCommand<R> command, FileDescriptor fd) {
        if (!fd.valid()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("file descriptor is not valid (closed?)"));
        }
        synchronized (fdLock) {
            CompletableFuture<R> f = fdChain.handle((x, t) -> null)
                    .thenCompose(x -> execute(command, null, new FileDescriptor[] {fd}, null));
            fdChain = f;
            return f;
        }
    }

    /**
     * @return completes, never exceptionally, once the session has ended for any reason, with
     *         an exception that says why (its cause is the underlying failure, if any)
     */
    public CompletableFuture<QmpDisconnectedException> whenClosed() {
        return session.closeFuture().copy();
    }

    /**
     * Closes the connection. Pending commands fail with {@link QmpDisconnectedException}.
     *
     * @return completes when the connection is closed
     */
    public CompletableFuture<Void> closeAsync() {
        return session.close();
    }

    /** Closes the connection and waits (a few seconds at most) until it is closed. */
    @Override
    public void close() {
        try {
            closeAsync().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // closing is best effort; the channel is closed or closing
        }
    }

    @Override
    public String toString() {
        return "QmpClient[" + options.endpoint + ", " + state() + "]";
    }

    /**
     * Options of a {@link QmpClient}. Every default is set here; {@link #endpoint} is required.
     *
     * @since 0.1
     */
    public static final class Builder {
        private QmpEndpoint endpoint;
        private QmpResources resources;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(30);
        private boolean oob = true;
        private int maxFrameBytes = 10 * 1024 * 1024;
        private int inBandWindow = 8;
        private int eventHistory = 256;
        private String name;
        private boolean schemaCheck = true;
        private boolean fdPassing;
        private boolean repliesOnIoThread;
        private QmpListener listener;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.endpoint = endpoint;
            b.resources = resources;
            b.connectTimeout = connectTimeout;
            b.commandTimeout = commandTimeout;
            b.oob = oob;
            b.maxFrameBytes = maxFrameBytes;
            b.inBandWindow = inBandWindow;
            b.eventHistory = eventHistory;
            b.name = name;
            b.schemaCheck = schemaCheck;
            b.fdPassing = fdPassing;
            b.repliesOnIoThread = repliesOnIoThread;
            b.listener = listener;
            return b;
        }

        /**
         * @param endpoint the monitor to connect to; required
         * @return this builder
         */
        public Builder endpoint(QmpEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * The threads the client runs on. Without shared resources a client has its own: one
         * I/O thread, one timer thread and up to two callback threads, started when it connects
         * (building costs none) and stopped when it closes. That suits a tool with one or two
         * clients; an application with more shares one {@link QmpResources}, whose single I/O
         * thread serves a thousand sessions (Netty warns past 64 timers alive at once).
         *
         * @param resources shared threads; by default the client makes its own and releases
         *                  them when it closes
         * @return this builder
         */
        public Builder resources(QmpResources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /**
         * @param timeout deadline for connecting, the greeting and negotiation; default 10 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout default deadline of each command; default 30 s; zero for none
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "commandTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("commandTimeout " + timeout + " is negative");
            }
            this.commandTimeout = timeout;
            return this;
        }

        /**
         * @param enable whether to negotiate out-of-band execution when QEMU offers it; default true
         * @return this builder
         */
        public Builder oob(boolean enable) {
            this.oob = enable;
            return this;
        }

        /**
         * @param bytes the largest JSON object accepted from QEMU; default 10 MiB (as QEMU's
         *              Python client and libvirt); {@code query-qmp-schema} is about 120 KiB
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxFrameBytes " + bytes + " < 1024");
            }
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * @param commands how many in-band commands may be on the wire at once when OOB is on;
         *                 1 to 8, default 8. QEMU queues 8 and then stops reading, which would
         *                 starve out-of-band commands; the rest wait in the client.
         * @return this builder
         */
        public Builder inBandWindow(int commands) {
            if (commands < 1 || commands > 8) {
                throw new IllegalArgumentException("inBandWindow " + commands + " is not in 1..8");
            }
            this.inBandWindow = commands;
            return this;
        }

        /**
         * @param events how many recent events {@link QmpEvents#history()} keeps; default 256
         * @return this builder
         */
        public Builder eventHistory(int events) {
            if (events < 0) {
                throw new IllegalArgumentException("eventHistory " + events + " < 0");
            }
            this.eventHistory = events;
            return this;
        }

        /**
         * @param name the name in log lines; default the endpoint
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param check whether to check each typed command and its arguments against the
         *              connected QEMU's schema before sending it; default true. Raw commands
         *              are never checked.
         * @return this builder
         */
        public Builder schemaCheck(boolean check) {
            this.schemaCheck = check;
            return this;
        }

        /**
         * @param listener told of this client's state changes, commands, events and drops
         *                 (instead of its resources' listener); see {@link QmpListener}
         * @return this builder
         */
        public Builder listener(QmpListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Lets {@link QmpClient#sendFd} and {@link QmpClient#addFd} pass file descriptors
         * (SCM_RIGHTS) over a UNIX socket monitor. Such a client runs on junixsocket's channel,
         * which can carry them; the others on the JDK's own UNIX channel, which opens and
         * connects faster and shares the TCP event loop. Default {@code false}.
         *
         * @param enable whether this client passes file descriptors
         * @return this builder
         */
        public Builder fdPassing(boolean enable) {
            this.fdPassing = enable;
            return this;
        }

        /**
         * Completes the futures of commands on the I/O thread that read their replies, as Lettuce
         * and Vert.x do, instead of on the callback executor: one thread hand-off less per reply
         * (the client CPU of pipelined commands falls by about a third, docs/benchmarks.md). The
         * price: {@code thenApply}, {@code whenComplete} and every other dependent stage, including
         * those of {@code allOf}, run on the I/O thread that all sessions of the resources share,
         * and must not block; blocking there on another command's future fails with
         * {@link IllegalStateException} rather than hanging the thread that would read its reply.
         * A thread blocked in {@code get()} or {@code join()} still takes its reply itself; deadlines,
         * disconnects, events and the client's life cycle stay on the callback executor. Default
         * {@code false}.
         *
         * @param enable whether replies complete futures on the I/O thread
         * @return this builder
         */
        public Builder repliesOnIoThread(boolean enable) {
            this.repliesOnIoThread = enable;
            return this;
        }

        /**
         * @return a client, not connected yet
         * @throws IllegalStateException when no endpoint was set, or the resources are closed
         */
        public QmpClient build() {
            if (endpoint == null) {
                throw new IllegalStateException("endpoint is required");
            }
            return new QmpClient(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " " + d + " is not positive");
            }
            return d;
        }
    }
}
