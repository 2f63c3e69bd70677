package io.qmp4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM while a command runs: instead of ending the JVM at once (which
 * would leave QEMU migrating with qmp4j's settings), the command is told, and ends the job
 * itself. The JDK's {@code sun.misc.Signal} is the only way a Java program can do that without
 * a shutdown hook, which could not keep the process alive long enough to undo.
 */
final class Interrupts implements AutoCloseable {

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile int first;

    /**
     * @param handler called with how many signals came so far (1 for the first), on the signal's thread
     */
    Interrupts(IntConsumer handler) {
        for (String name : List.of("INT", "TERM")) {
            Signal s = new Signal(name);
            SignalHandler h = sig -> {
                if (first == 0) {
                    first = 128 + sig.getNumber();
                }
                handler.accept(count.incrementAndGet());
            };
            previous.add(Signal.handle(s, h));
            signals.add(s);
        }
    }

    /** @return whether a signal came */
    boolean interrupted() {
        return count.get() > 0;
    }

    /** @return the exit code the shell expects after the first signal: 130 for SIGINT, 143 for SIGTERM */
    int exitCode() {
        return first == 0 ? 130 : first;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
