package io.qmp4j.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The qmp4j command-line tool as a process of its own, so that it can be interrupted (SIGINT,
 * SIGTERM) or killed (SIGKILL) at a chosen moment, as a user or the OOM killer would. Bounded:
 * killed at {@link #close()} if it still runs.
 */
final class CliProcess implements AutoCloseable {

    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    private CliProcess(Process process) {
        this.process = process;
        reader(process.getInputStream(), out);
        reader(process.getErrorStream(), err);
    }

    static CliProcess start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.qmp4j.cli.Qmp4jCli"));
        cmd.addAll(List.of(args));
        return new CliProcess(new ProcessBuilder(cmd).start());
    }

    private void reader(java.io.InputStream in, List<String> into) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (this) {
                        into.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    into.add("(reading failed: " + e + ")");
                }
            }
        }, "cli-reader");
        t.setDaemon(true);
        t.start();
    }

    /** Waits for a line of standard output that matches; fails when the process ends first or the time is up. */
    synchronized String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < out.size(); seen++) {
                if (match.test(out.get(seen))) {
                    return out.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || (!process.isAlive() && seen >= out.size())) {
                throw new AssertionError("no such line within " + timeout + "; out: " + out + "; err: " + err);
            }
            wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
        }
    }

    void signal(String name) throws Exception {
        failIfIgnored(name);
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * A process inherits an ignored signal, and the JVM then installs no handler for it: a test
     * run started as a background job of a shell without job control (or under nohup) has SIGINT
     * ignored, and its CLI cannot see a Ctrl-C. Says so rather than let the test report a
     * migration that finished.
     */
    private void failIfIgnored(String name) throws IOException {
        int number = switch (name) { // the signals the tests send that a process can ignore; KILL cannot be
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "TERM" -> 15;
            default -> 0;
        };
        if (number == 0) {
            return;
        }
        String status;
        try {
            status = Files.readString(Path.of("/proc", Long.toString(process.pid()), "status"));
        } catch (NoSuchFileException gone) {
            return; // it has exited: the kill finds nobody, and the test says what it expected
        }
        String ignored = status.lines().filter(l -> l.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0").substring(7).trim();
        if ((Long.parseUnsignedLong(ignored, 16) & (1L << (number - 1))) != 0) {
            throw new AssertionError("the CLI ignores SIG" + name + " from its start, as this test run does (started as a"
                    + " background job of a shell without job control, or under nohup): run the tests in the foreground");
        }
    }

    /** @return the exit code, waiting at most {@code timeout} */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not exit within " + timeout + "; out: " + out() + "; err: " + err());
        }
        Thread.sleep(100); // let the readers take the last lines
        return process.exitValue();
    }

    synchronized String out() {
        return String.join("\n", out);
    }

    synchronized String err() {
        return String.join("\n", err);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
