package io.qmp4j.testkit.qemu;

import io.qmp4j.core.QmpClient;
import io.qmp4j.core.qapi.HumanMonitorCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test guest: a 32-bit multiboot kernel built from sources shipped in this jar with the
 * machine's gcc (nothing downloaded), booted with {@code -kernel}. It keeps running, dirties
 * {@code mb} MiB at {@code rate} MiB/s (from {@code -append}), checks that the pages it wrote
 * still hold what it wrote, and keeps a status block at guest-physical {@code 0x5000}
 * ({@link GuestStatus}), also printing {@code MIGLAB tick=N errors=E} on COM1 every second.
 */
public final class TestGuest {

    /** The guest-physical address of the status block. */
    public static final long STATUS_ADDRESS = 0x5000;
    private static final List<String> SOURCES = List.of("entry.S", "guest.c", "link.ld");

    private TestGuest() {
    }

    /**
     * @return the user's cache for the guest's build: {@code $XDG_CACHE_HOME/qmp4j}, else
     *         {@code ~/.cache/qmp4j} — not a predictable shared path under {@code /tmp}; created
     *         owner-only
     */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return HostTools.ownerOnlyDirectory(base.resolve("qmp4j"));
    }

    /**
     * Builds the kernel (once per source version) into a cache directory, where a build is used
     * again only while its SHA-256, written beside it, still matches.
     *
     * @param cacheDir where to keep the build
     * @return the kernel's path
     * @throws IllegalStateException when gcc is missing or fails, with its output
     */
    public static synchronized Path kernel(Path cacheDir) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[][] contents = new byte[SOURCES.size()][];
            for (int i = 0; i < SOURCES.size(); i++) {
                try (InputStream in = TestGuest.class.getResourceAsStream("/io/qmp4j/testkit/guest/" + SOURCES.get(i))) {
                    if (in == null) {
                        throw new IllegalStateException("guest source " + SOURCES.get(i) + " missing from the classpath");
                    }
                    contents[i] = in.readAllBytes();
                    sha.update(contents[i]);
                }
            }
            String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            Path dir = cacheDir.resolve("guest-" + hash);
            Path elf = dir.resolve("mbkernel.elf");
            Path sum = dir.resolve("mbkernel.elf.sha256");
            if (Files.exists(elf) && Files.exists(sum) && Files.readString(sum).strip().equals(sha256(elf))) {
                return elf; // built here before, and unchanged since
            }
            HostTools.ownerOnlyDirectory(dir);
            // A build directory of its own: other JVMs (parallel test forks) may build the same kernel at once.
            Path build = Files.createTempDirectory(dir, "build");
            for (int i = 0; i < SOURCES.size(); i++) {
                Files.write(build.resolve(SOURCES.get(i)), contents[i]);
            }
            Path tmp = build.resolve("mbkernel.elf");
            List<String> cmd = List.of("gcc", "-m32", "-march=i686", "-ffreestanding", "-fno-pic", "-fno-pie",
                    "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-nostdlib", "-static", "-no-pie", "-O2",
                    "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", "-Wl,-T," + build.resolve("link.ld"),
                    "-o", tmp.toString(), build.resolve("entry.S").toString(), build.resolve("guest.c").toString());
            HostTools.Result built;
            try {
                built = HostTools.exec(java.time.Duration.ofSeconds(120), cmd.toArray(String[]::new));
            } catch (IOException e) {
                throw new IllegalStateException("cannot run gcc to build the test guest (apt-get install gcc): " + e.getMessage(), e);
            }
            if (built.exit() != 0) {
                throw new IllegalStateException("building the test guest failed: " + String.join(" ", cmd) + "\n" + built.output());
            }
            Path sumTmp = build.resolve("mbkernel.elf.sha256");
            Files.writeString(sumTmp, sha256(tmp));
            Files.move(tmp, elf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(sumTmp, sum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            HostTools.deleteTree(build);
            return elf;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /**
     * @param builder a QEMU to boot the guest in
     * @param cacheDir where to keep the kernel build
     * @param workingSetMiB how many MiB the guest dirties (must fit above 16 MiB of RAM)
     * @param rateMiBps how many MiB per second it dirties (0: none)
     * @return the builder, with {@code -kernel}, {@code -append} and a serial log file
     */
    public static QemuProcess.Builder boot(QemuProcess.Builder builder, Path cacheDir, int workingSetMiB, int rateMiBps) {
        return boot(builder, cacheDir, workingSetMiB, rateMiBps, false);
    }

    /**
     * As {@link #boot(QemuProcess.Builder, Path, int, int)}; with {@code fill}, the guest first
     * writes its whole working set at full speed (so that a migration moves that much data at
     * once), then dirties it at the rate.
     *
     * @param builder a QEMU to boot the guest in
     * @param cacheDir where to keep the kernel build
     * @param workingSetMiB how many MiB the guest dirties
     * @param rateMiBps how many MiB per second it dirties (0: none)
     * @param fill whether to write the working set once at full speed first
     * @return the builder
     */
    public static QemuProcess.Builder boot(QemuProcess.Builder builder, Path cacheDir, int workingSetMiB, int rateMiBps, boolean fill) {
        // qboot, not SeaBIOS: under nested KVM SeaBIOS takes ~5.4 s to reach the kernel (2.7 s of
        // it where it write-protects its shadow through the PAM registers, by its debug log),
        // qboot a fraction of a second; both QEMUs (7.2 and 10.0) ship it, 64 KiB each.
        return builder.args("-bios", "qboot.rom", "-kernel", kernel(cacheDir).toString(),
                "-append", "mb=" + workingSetMiB + " rate=" + rateMiBps + (fill ? " fill=1" : ""));
    }

    /**
     * Reads the guest's status block through the monitor ({@code xp /4wx 0x5000}).
     *
     * @param client the guest's QEMU
     * @return the status
     * @throws Exception when the monitor does not answer within 5 s
     */
    public static GuestStatus status(QmpClient client) throws Exception {
        return parseStatus(client.execute(new HumanMonitorCommand("xp /4wx " + STATUS_ADDRESS)).get(5, TimeUnit.SECONDS));
    }

    /**
     * Waits until a guest booted with {@code fill} has written its working set once.
     *
     * @param client the guest's QEMU
     * @param workingSetMiB its working set
     * @param timeout how long to wait at most
     * @throws Exception when the monitor does not answer
     */
    public static void awaitFilled(QmpClient client, int workingSetMiB, java.time.Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (status(client).pagesDirtied() < (long) workingSetMiB * 256 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
    }

    /**
     * Parses the output of {@code human-monitor-command "xp /4wx 0x5000"}.
     *
     * @param xpOutput e.g. {@code "0000000000005000: 0x4c47494d 0x00000004 0x00012b9b 0x00000000"}
     * @return the status
     * @throws IllegalArgumentException when the text is not such a dump
     */
    public static GuestStatus parseStatus(String xpOutput) {
        String[] parts = xpOutput.strip().split("\\s+");
        if (parts.length < 5) {
            throw new IllegalArgumentException("not an xp /4wx dump: " + xpOutput);
        }
        long[] w = new long[4];
        for (int i = 0; i < 4; i++) {
            w[i] = Long.parseLong(parts[i + 1].replace("0x", ""), 16);
        }
        return new GuestStatus(w[0] == GuestStatus.MAGIC, w[1], w[2], w[3]);
    }

    /**
     * The guest's status block.
     *
     * @param booted whether the magic is there (the guest has started)
     * @param ticks seconds of guest time since boot
     * @param pagesDirtied pages written (low 32 bits)
     * @param integrityErrors pages found not to hold what the guest wrote: must be 0
     */
    public record GuestStatus(boolean booted, long ticks, long pagesDirtied, long integrityErrors) {
        /** "MIGL" */
        public static final long MAGIC = 0x4c47494dL;
    }
}
