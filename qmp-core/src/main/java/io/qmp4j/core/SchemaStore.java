package io.qmp4j.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.core.internal.Json;
import io.qmp4j.core.schema.QmpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QEMU schemas kept on disk, one file per QEMU build (version, package and target), so that a
 * new process does not fetch the 180 KiB {@code query-qmp-schema} again. The directory must be
 * the user's own and writable by nobody else: a schema planted there would only make the check
 * answer wrongly (QEMU still refuses what it does not take), but it is refused all the same.
 * Any file that cannot be read as the schema of its key is ignored and fetched again.
 */
final class SchemaStore {

    private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path dir;

    private SchemaStore(Path dir) {
        this.dir = dir;
    }

    /**
     * @param dir the directory, created owner-only when missing
     * @return the store, or empty (logged) when the directory cannot be made or is not the user's alone
     */
    static Optional<SchemaStore> open(Path dir) {
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (FileAlreadyExistsException e) {
                    // another process made it first: checked below like any other
                }
            }
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            boolean others = p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            if (others || !owner.equals(System.getProperty("user.name"))) {
                log.warn("schema directory {} is not {}'s alone (owner {}, {}): schemas are not kept on disk", dir,
                        System.getProperty("user.name"), owner, PosixFilePermissions.toString(p));
                return Optional.empty();
            }
            return Optional.of(new SchemaStore(dir));
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("schema directory {} cannot be used ({}): schemas are not kept on disk", dir, e.toString());
            return Optional.empty();
        }
    }

    /** @return the schema kept for this build, when there is a readable one */
    Optional<QmpSchema> load(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            JsonNode kept = Json.MAPPER.readTree(f.toFile());
            if (!key.equals(kept.path("key").asText(null))) {
                return Optional.empty();
            }
            return Optional.of(QmpSchema.parse(kept.get("schema")));
        } catch (IOException | RuntimeException e) {
            log.debug("ignoring the kept schema {}: {}", f, e.toString());
            return Optional.empty();
        }
    }

    /** Keeps QEMU's reply for this build; best effort (a failure is logged at DEBUG). */
    void save(String key, JsonNode reply) {
        Path f = file(key);
        Path tmp = dir.resolve(f.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            ObjectNode kept = Json.MAPPER.createObjectNode().put("key", key);
            kept.set("schema", reply);
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, Json.MAPPER.writeValueAsString(kept).getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not keep the schema in {}: {}", f, e.toString());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: a stray temporary file is ignored by load()
            }
        }
    }

    private Path file(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return dir.resolve("qmp-schema-" + HexFormat.of().formatHex(h, 0, 16) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
