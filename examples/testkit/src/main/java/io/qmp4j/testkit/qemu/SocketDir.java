package io.qmp4j.testkit.qemu;

import io.qmp4j.core.QmpEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A place for UNIX sockets in a work directory, whatever the length of its path. Linux limits a
 * socket's path to {@value QmpEndpoint.Unix#MAX_PATH_BYTES} bytes, which a build directory nested
 * in a CI checkout and a temporary directory or two exceed easily. When the directory's own path
 * leaves room for socket names it is used as it is; otherwise a symbolic link to it is made in
 * {@code /tmp} ({@code /tmp/qmp4j-XXXXXXXX}), so that the sockets still live in the work directory
 * (and go with it) while their paths stay short. {@link #close()} removes the link, and so does the
 * JVM's exit if nobody called it; the links of a killed JVM, whose directories are gone, are
 * removed by the next one that makes a link.
 */
public final class SocketDir implements AutoCloseable {

    /** Room kept for a socket's file name. */
    static final int NAME_ROOM = 40;
    private static final Path SHORT_ROOT = Path.of("/tmp");

    private final Path dir;
    private final Path link;

    private SocketDir(Path dir, Path link) {
        this.dir = dir;
        this.link = link;
    }

    /**
     * @param dir the work directory; must exist
     * @return a place for sockets in it
     * @throws UncheckedIOException when the link cannot be made
     */
    public static SocketDir in(Path dir) {
        Path abs = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        if (bytes(abs) + NAME_ROOM <= QmpEndpoint.Unix.MAX_PATH_BYTES) {
            return new SocketDir(abs, null);
        }
        sweep();
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; ; attempt++) {
            Path link = SHORT_ROOT.resolve("qmp4j-" + HexFormat.of().toHexDigits(random.nextInt()));
            try {
                Files.createSymbolicLink(link, abs);
                link.toFile().deleteOnExit();
                return new SocketDir(abs, link);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 20) {
                    throw new UncheckedIOException(e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot link " + link + " to " + abs + " for short socket paths", e);
            }
        }
    }

    /**
     * @param name a socket's file name
     * @return its path: in the work directory itself or through the short link
     * @throws IllegalArgumentException when the name is so long that no path would fit
     */
    public Path resolve(String name) {
        Path p = (link != null ? link : dir).resolve(name);
        if (bytes(p) > QmpEndpoint.Unix.MAX_PATH_BYTES) {
            throw new IllegalArgumentException("socket name '" + name + "' is too long for a UNIX socket path: " + p);
        }
        return p;
    }

    /** @return the work directory */
    public Path dir() {
        return dir;
    }

    /** Removes the short link, if one was made; the work directory and its sockets stay. */
    @Override
    public void close() {
        if (link != null) {
            try {
                Files.deleteIfExists(link);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Removes this user's links that a killed JVM left (its shutdown hook never ran): those whose
     * work directory is gone. A link whose directory still exists may be another run's, and stays.
     */
    static void sweep() {
        try (DirectoryStream<Path> links = Files.newDirectoryStream(SHORT_ROOT, "qmp4j-*")) {
            String me = System.getProperty("user.name");
            for (Path l : links) {
                if (Files.isSymbolicLink(l) && !Files.exists(l)
                        && me.equals(Files.getOwner(l, LinkOption.NOFOLLOW_LINKS).getName())) {
                    Files.deleteIfExists(l);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a sweep that cannot run leaves the old links, as before; the new one is made anyway
        }
    }

    private static int bytes(Path p) {
        return p.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
