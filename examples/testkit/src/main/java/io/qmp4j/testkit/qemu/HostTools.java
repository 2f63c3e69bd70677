package io.qmp4j.testkit.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the demo, the benchmarks and the soak do on the host besides QEMU: run a tool, make and
 * remove work directories, keep files to their owner.
 */
public final class HostTools {

    private HostTools() {
    }

    /**
     * A tool's end: its exit code and what it printed.
     *
     * @param exit the exit code
     * @param output stdout and stderr together
     */
    public record Result(int exit, String output) {
    }

    /**
     * Runs a tool ({@code qemu-img}, {@code qemu-io}, {@code ip}) and requires it to succeed within 60 s.
     *
     * @param cmd the command line
     * @return what it printed (stdout and stderr)
     * @throws IllegalStateException with the tool's output when it fails or does not end in time
     */
    public static String run(String... cmd) throws IOException, InterruptedException {
        Result r = exec(Duration.ofSeconds(60), cmd);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.output());
        }
        return r.output();
    }

    /**
     * Runs a tool within a deadline: its output goes to a file (so that a tool that prints and
     * hangs cannot block the reader past the deadline), and a tool still running at the deadline
     * is killed.
     *
     * @param timeout how long it may run
     * @param cmd the command line
     * @return its exit code and output
     * @throws IllegalStateException when it did not end in time (with what it printed)
     */
    public static Result exec(Duration timeout, String... cmd) throws IOException, InterruptedException {
        return exec(timeout, null, cmd);
    }

    /** As {@link #exec(Duration, String...)}, run in {@code dir} (or here when {@code null}). */
    public static Result exec(Duration timeout, Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("qmp4j-tool", ".out");
        try {
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            if (dir != null) {
                b.directory(dir.toFile());
            }
            Process p = b.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", cmd) + " did not end within " + timeout.toSeconds() + " s and was"
                        + " killed: " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Deletes a directory and everything in it; safe to call twice, and from two threads at once
     * (a file that vanishes during the walk makes it walk again, up to three times).
     *
     * @param dir the directory
     * @return whether it is gone
     */
    public static boolean deleteTree(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file vanished while we walked: walk again
            }
        }
        return !Files.exists(dir);
    }

    /**
     * Creates a directory, and each missing parent, that only its owner may enter
     * ({@code rwx------}), whatever the umask; directories that exist are left as they are.
     * Safe to call from several threads for the same directory.
     *
     * @param dir the directory
     * @return {@code dir}
     * @throws UncheckedIOException when it cannot be created
     */
    public static Path ownerOnlyDirectory(Path dir) {
        try {
            Path missing = dir.toAbsolutePath();
            java.util.ArrayDeque<Path> toCreate = new java.util.ArrayDeque<>();
            while (missing != null && !Files.isDirectory(missing)) {
                toCreate.push(missing);
                missing = missing.getParent();
            }
            for (Path d : toCreate) {
                try {
                    Files.createDirectory(d);
                    ownerOnly(d);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if (!Files.isDirectory(d)) {
                        throw e;
                    }
                    // another thread made it just now (launchers started in parallel): theirs to set
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Takes group and others' permissions away from a file or directory (sockets included: to
     * connect to a UNIX socket takes write permission on it).
     *
     * @param file the file
     * @throws UncheckedIOException when its permissions cannot be changed
     */
    public static void ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwx------" : "rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
