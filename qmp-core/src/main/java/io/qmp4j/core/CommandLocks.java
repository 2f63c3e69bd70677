package io.qmp4j.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** The first step of the command path: refuses the commands a {@link CommandLock} holds, except through that lock. */
final class CommandLocks implements CommandPath {

    private final CopyOnWriteArrayList<Lock> locks = new CopyOnWriteArrayList<>();
    private final CommandPath next;

    CommandLocks(CommandPath next) {
        this.next = next;
    }

    @Override
    public <R> CompletableFuture<R> send(Call<R> call) {
        String name = call.command().commandName();
        for (Lock l : locks) {
            if (l != call.exempt() && l.commands.contains(name)) {
                return CompletableFuture.failedFuture(new QmpRefusedException(name, l.reason));
            }
        }
        return next.send(call);
    }

    /**
     * @param entry where the lock's holder executes its commands: the start of the path, with the lock as exemption
     */
    CommandLock lock(Set<String> commands, String reason, Function<Lock, Executor> entry) {
        Lock l = new Lock(Set.copyOf(commands), Objects.requireNonNull(reason, "reason"), entry);
        locks.add(l);
        return l;
    }

    /** How a lock's holder executes a command past it. */
    interface Executor {
        <R> CompletableFuture<R> execute(QmpCommand<R> command, Duration timeout);
    }

    final class Lock implements CommandLock {
        private final Set<String> commands;
        private final String reason;
        private final Executor executor;

        private Lock(Set<String> commands, String reason, Function<Lock, Executor> entry) {
            this.commands = commands;
            this.reason = reason;
            this.executor = entry.apply(this);
        }

        @Override
        public Set<String> commands() {
            return commands;
        }

        @Override
        public <R> CompletableFuture<R> execute(QmpCommand<R> command, Duration timeout) {
            return executor.execute(command, timeout);
        }

        @Override
        public void close() {
            locks.remove(this);
        }
    }
}
