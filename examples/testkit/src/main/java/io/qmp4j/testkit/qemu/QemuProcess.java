package io.qmp4j.testkit.qemu;

import io.qmp4j.core.QmpEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local QEMU process for demos and tests: QMP on a UNIX socket in its own work directory,
 * KVM when usable (else TCG), the default CPU model, and a bounded lifetime. It is killed by
 * PID on {@link #close()}, by a JVM shutdown hook, and in any case by {@code timeout(1)} when
 * its lifetime runs out, so that it never outlives the program that started it by long.
 *
 * <p>Not part of the library's API: the library never starts processes.
 */
public final class QemuProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QemuProcess.class);

    private final String name;
    private final Path workDir;
    private final SocketDir sockets;
    private final Path qmpSocket;
    private final Path logFile;
    private final Accelerator accelerator;
    private final Process wrapper;
    private final ProcessHandle qemu;
    private final List<String> commandLine;
    private final Thread shutdownHook;

    private QemuProcess(Builder b, SocketDir sockets, List<String> commandLine, Process wrapper, ProcessHandle qemu) {
        this.name = b.name;
        this.workDir = b.workDir;
        this.sockets = sockets;
        this.qmpSocket = sockets.resolve(b.name + ".qmp");
        this.logFile = b.workDir.resolve(b.name + ".log");
        this.accelerator = b.accelerator;
        this.commandLine = List.copyOf(commandLine);
        this.wrapper = wrapper;
        this.qemu = qemu;
        this.shutdownHook = new Thread(() -> {
            kill();
            sockets.close();
        }, "kill-" + b.name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** @return a builder with the defaults: 64 MiB, q35, paused ({@code -S}), lifetime 10 minutes */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the QMP endpoint of this QEMU */
    public QmpEndpoint qmp() {
        return QmpEndpoint.unix(qmpSocket);
    }

    /** @return the QEMU process's PID */
    public long pid() {
        return qemu.pid();
    }

    /** @return whether the QEMU process is alive */
    public boolean isAlive() {
        return qemu.isAlive();
    }

    /** @return the accelerator asked for */
    public Accelerator accelerator() {
        return accelerator;
    }

    /** @return this QEMU's directory (sockets, logs) */
    public Path workDir() {
        return workDir;
    }

    /**
     * @param fileName a socket's file name, e.g. {@code "migrate.sock"}
     * @return a path for it in this QEMU's work directory that is short enough for a UNIX socket
     *         (see {@link SocketDir}), valid until {@link #close()}
     */
    public Path socketPath(String fileName) {
        return sockets.resolve(fileName);
    }

    /** @return the name given */
    public String name() {
        return name;
    }

    /** @return the full command line, for logs */
    public List<String> commandLine() {
        return commandLine;
    }

    /** @return what QEMU printed on stdout and stderr so far */
    public String output() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Sends a signal to the QEMU process by PID (e.g. {@code "STOP"}, {@code "CONT"}, {@code "KILL"}).
     *
     * @param signal the signal's name without {@code SIG}
     */
    public void signal(String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(qemu.pid())).redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + qemu.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for QEMU to exit on its own (e.g. after {@code quit}).
     *
     * @param timeout how long to wait
     * @return whether it exited in time
     */
    public boolean awaitExit(Duration timeout) {
        try {
            qemu.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !qemu.isAlive();
        }
    }

    private void kill() {
        if (qemu.isAlive()) {
            qemu.destroyForcibly();
        }
        wrapper.destroyForcibly();
        try {
            qemu.onExit().get(5, TimeUnit.SECONDS);
            wrapper.waitFor(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("QEMU {} (pid {}) did not exit after SIGKILL", name, qemu.pid());
        }
    }

    /** Kills QEMU by PID (SIGKILL), waits for it to be gone and removes its short socket link, if any. */
    @Override
    public void close() {
        kill();
        sockets.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return "QEMU " + name + " (pid " + qemu.pid() + ", " + accelerator + ")";
    }

    /**
     * Options of a launched QEMU.
     */
    public static final class Builder {
        private String binary = "qemu-system-x86_64";
        private Path dataDir;
        private String name = "qemu";
        private Path workDir;
        private Accelerator accelerator = Accelerator.detect();
        private String machine = "q35";
        private int memoryMiB = 64;
        private int cpus = 1;
        private boolean paused = true;
        private boolean incomingDefer;
        private Duration lifetime = Duration.ofMinutes(10);
        private Duration startTimeout = Duration.ofSeconds(20);
        private final List<String> extraArgs = new ArrayList<>();
        private final List<String> launcher = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param binary the QEMU binary; default {@code qemu-system-x86_64}
         * @return this builder
         */
        public Builder binary(String binary) {
            this.binary = Objects.requireNonNull(binary);
            return this;
        }

        /**
         * @param build the QEMU to start: its binary and, when it is not the system's, its data directory ({@code -L})
         * @return this builder
         */
        public Builder build(QemuBuild build) {
            this.binary = build.binary().toString();
            this.dataDir = build.dataDir().orElse(null);
            return this;
        }

        /**
         * @param name the name (QEMU's {@code -name}, with {@code debug-threads=on} so that QEMU names
         *             its threads, as CPU isolation needs on QEMUs without {@code query-migrationthreads};
         *             and file names in the work directory)
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /**
         * @param dir where sockets and logs go; created if missing; required
         * @return this builder
         */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir);
            return this;
        }

        /**
         * @param accelerator the accelerator; default {@link Accelerator#detect()}
         * @return this builder
         */
        public Builder accelerator(Accelerator accelerator) {
            this.accelerator = Objects.requireNonNull(accelerator);
            return this;
        }

        /**
         * @param machine the machine type; default q35
         * @return this builder
         */
        public Builder machine(String machine) {
            this.machine = Objects.requireNonNull(machine);
            return this;
        }

        /**
         * @param mib guest RAM in MiB; default 64
         * @return this builder
         */
        public Builder memoryMiB(int mib) {
            this.memoryMiB = mib;
            return this;
        }

        /**
         * @param cpus vCPUs; default 1
         * @return this builder
         */
        public Builder cpus(int cpus) {
            this.cpus = cpus;
            return this;
        }

        /**
         * @param paused start with {@code -S}; default true
         * @return this builder
         */
        public Builder paused(boolean paused) {
            this.paused = paused;
            return this;
        }

        /**
         * @param defer add {@code -incoming defer} (a migration destination)
         * @return this builder
         */
        public Builder incomingDefer(boolean defer) {
            this.incomingDefer = defer;
            return this;
        }

        /**
         * @param lifetime after this QEMU is killed whatever happens; default 10 minutes
         * @return this builder
         */
        public Builder lifetime(Duration lifetime) {
            this.lifetime = Objects.requireNonNull(lifetime);
            return this;
        }

        /**
         * @param prefix a command that runs QEMU and must exec it (keep its PID): e.g.
         *               {@code ip netns exec NS}; the launcher's {@code timeout} comes first
         * @return this builder
         */
        public Builder launcher(List<String> prefix) {
            launcher.clear();
            launcher.addAll(prefix);
            return this;
        }

        /**
         * @param args more QEMU arguments, appended as given
         * @return this builder
         */
        public Builder args(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /**
         * Starts QEMU and waits until its QMP socket exists.
         *
         * @return the running process
         * @throws IllegalStateException when QEMU exits or does not create its socket in time,
         *                               with what it printed
         */
        public QemuProcess start() {
            Objects.requireNonNull(workDir, "workDir is required");
            // Owner-only, as everything the launcher creates: whoever can reach the QMP socket
            // owns the VM, and the log may show its command line.
            HostTools.ownerOnlyDirectory(workDir);
            Path logFile = workDir.resolve(name + ".log");
            SocketDir sockets = SocketDir.in(workDir);
            Path qmpSocket = sockets.resolve(name + ".qmp");
            try {
                Files.deleteIfExists(qmpSocket);
                Files.deleteIfExists(logFile);
                Files.createFile(logFile);
                HostTools.ownerOnly(logFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> qemuArgs = new ArrayList<>(List.of(binary, "-name", name + ",debug-threads=on", "-machine", machine,
                    "-m", Integer.toString(memoryMiB), "-smp", Integer.toString(cpus), "-nodefaults", "-display", "none",
                    "-qmp", "unix:" + qmpSocket + ",server=on,wait=off"));
            if (dataDir != null) {
                qemuArgs.addAll(List.of("-L", dataDir.toString()));
            }
            if (accelerator == Accelerator.KVM) {
                // Falls back to TCG by itself if KVM cannot be initialized after all.
                qemuArgs.addAll(List.of("-accel", "kvm", "-accel", "tcg"));
            } else {
                qemuArgs.addAll(List.of("-accel", "tcg"));
            }
            if (paused) {
                qemuArgs.add("-S");
            }
            if (incomingDefer) {
                qemuArgs.addAll(List.of("-incoming", "defer"));
            }
            qemuArgs.addAll(extraArgs);
            List<String> cmd = new ArrayList<>(List.of("timeout", "--signal=KILL", lifetime.toSeconds() + "s"));
            cmd.addAll(launcher);
            cmd.addAll(qemuArgs);
            Process wrapper;
            try {
                wrapper = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(logFile.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + binary + " (is QEMU installed? apt-get install qemu-system-x86): "
                        + e.getMessage(), e);
            }
            long deadline = System.nanoTime() + startTimeout.toNanos();
            ProcessHandle qemu = null;
            while (System.nanoTime() < deadline) {
                if (qemu == null) {
                    qemu = wrapper.toHandle().children().findFirst().orElse(null);
                }
                if (!wrapper.isAlive()) {
                    break;
                }
                if (qemu != null && Files.exists(qmpSocket) && listening(qemu.pid(), unixMonitors(qemuArgs))) {
                    HostTools.ownerOnly(qmpSocket);
                    QemuProcess p = new QemuProcess(this, sockets, qemuArgs, wrapper, qemu);
                    log.info("started {}: {}", p, String.join(" ", qemuArgs));
                    return p;
                }
                sleep(10);
            }
            wrapper.destroyForcibly();
            Optional.ofNullable(qemu).ifPresent(ProcessHandle::destroyForcibly);
            sockets.close();
            String out;
            try {
                out = Files.exists(logFile) ? Files.readString(logFile) : "";
            } catch (IOException e) {
                out = "";
            }
            throw new IllegalStateException("QEMU " + name + " did not start: " + (wrapper.isAlive() ? "no QMP socket after "
                    + startTimeout.toSeconds() + " s" : "it exited") + "\ncommand: " + String.join(" ", qemuArgs) + "\noutput:\n" + out);
        }

        /** @return the paths of the UNIX-socket QMP monitors on the command line */
        private static List<String> unixMonitors(List<String> args) {
            List<String> l = new ArrayList<>();
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).equals("-qmp") && args.get(i + 1).startsWith("unix:")) {
                    String a = args.get(i + 1).substring("unix:".length());
                    l.add(a.contains(",") ? a.substring(0, a.indexOf(',')) : a);
                }
            }
            return l;
        }

        /**
         * @return whether every socket listens: QEMU binds a socket (the file appears) a moment
         *         before it listens, and a client connecting in between is refused; a listening
         *         socket has the accept-connection flag (00010000) in /proc/net/unix, as QEMU's
         *         own network namespace (a launcher may put it in another) shows it
         */
        private static boolean listening(long pid, List<String> paths) {
            java.util.Set<String> up = new java.util.HashSet<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", "unix"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 8 && f[3].equals("00010000")) {
                        up.add(f[7]);
                    }
                }
            } catch (IOException e) {
                return true; // no /proc/net/unix to read: the file's existence has to do
            }
            return up.containsAll(paths);
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
