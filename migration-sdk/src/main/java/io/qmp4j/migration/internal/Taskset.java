package io.qmp4j.migration.internal;

import io.qmp4j.migration.FailureKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A thread's CPU affinity, read and set with util-linux's {@code taskset} (a well-kept tool, no
 * native code of ours), and what {@code /proc} says of QEMU's threads on this host. Every run is
 * bounded: its output goes to a file, and a run past its deadline is killed.
 */
final class Taskset {

    private static final long TIMEOUT_SECONDS = 5;
    private static final Pattern MASK = Pattern.compile("affinity mask: ([0-9a-fA-F,]+)");

    private Taskset() {
    }

    /** @return the thread's affinity mask, in hex as taskset prints it */
    static String mask(long tid) throws Failure {
        Matcher m = MASK.matcher(run(List.of("taskset", "-p", Long.toString(tid))));
        if (!m.find()) {
            throw new Failure(FailureKind.COMMAND_FAILED, "taskset printed no affinity mask for thread " + tid);
        }
        return m.group(1);
    }

    /** Pins the thread to a CPU list ({@code "1"}, {@code "2-3"}). */
    static void pin(long tid, String cpus) throws Failure {
        run(List.of("taskset", "-p", "-c", cpus, Long.toString(tid)));
    }

    /** Sets the thread's affinity back to a mask. */
    static void restore(long tid, String mask) throws Failure {
        run(List.of("taskset", "-p", mask, Long.toString(tid)));
    }

    /** @return whether {@code taskset} can be run here */
    static boolean available() {
        try {
            run(List.of("taskset", "--version"));
            return true;
        } catch (Failure f) {
            return false;
        }
    }

    /** @return the process a thread of this host belongs to, or -1 when /proc does not show it here */
    static long processOf(long tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(tid), "status"))) {
                if (line.startsWith("Tgid:")) {
                    return Long.parseLong(line.substring(5).strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** @return whether the thread of that process still exists */
    static boolean alive(long pid, long tid) {
        return Files.isDirectory(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid)));
    }

    /** A thread of a process, with the name QEMU gave it (the process's own name when it gave none). */
    record Thread(long tid, String name) {
    }

    /** @return the process's threads and their names */
    static List<Thread> threads(long pid) {
        List<Thread> l = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                try {
                    l.add(new Thread(Long.parseLong(d.getFileName().toString()), Files.readString(d.resolve("comm")).strip()));
                } catch (IOException | NumberFormatException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return l;
    }

    private static String run(List<String> cmd) throws Failure {
        Path out = null;
        try {
            out = Files.createTempFile("qmp4j-taskset", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Failure(FailureKind.COMMAND_FAILED, String.join(" ", cmd) + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new Failure(FailureKind.COMMAND_FAILED, String.join(" ", cmd) + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new Failure(FailureKind.COMMAND_FAILED, String.join(" ", cmd) + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
            throw new Failure(FailureKind.UNEXPECTED, "interrupted running " + String.join(" ", cmd), null, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }
}
