package io.qmp4j.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** CPU time of a process's threads, from {@code /proc/PID/task/TID/schedstat} (its first field, in ns). */
final class ThreadCpu {

    /** The JIT's compiler threads, as Linux names them ({@code C1 CompilerThre}, {@code C2 CompilerThre}). */
    static final Predicate<String> JIT = name -> name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler");

    private ThreadCpu() {
    }

    /** @return the CPU time of every thread of {@code pid} whose name passes {@code which}, in ns (0 when it is gone) */
    static long nanos(long pid, Predicate<String> which) {
        long sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (which.test(Files.readString(t.resolve("comm")).strip())) {
                        sum += Long.parseLong(Files.readString(t.resolve("schedstat")).trim().split("\\s+")[0]);
                    }
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }
}
