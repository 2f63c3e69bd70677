package io.qmp4j.migration;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the VM's disks reach the destination.
 *
 * <pre>{@code
 * Storage.shared()                                  // both hosts open the same images
 * Storage.copyAll()                                 // virsh --copy-storage-all
 * Storage.copy("vblk0")                             // virsh --copy-storage-all --migrate-disks vblk0
 * Storage.copyAll().nbd(MigrationUri.tcp("10.0.0.2", 49153)).mirrorSpeed(200L << 20).writeBlocking(true)
 * }</pre>
 *
 * @since 0.1
 */
public sealed interface Storage permits Storage.Shared, Storage.Copy {

    /**
     * Both hosts see the same disk images (NFS, Ceph, a SAN, or one host): only RAM and device
     * state move. The pre-flight check refuses disks the destination does not open from the
     * same place.
     *
     * @return shared storage
     */
    static Storage shared() {
        return new Shared();
    }

    /**
     * Copies every eligible disk (writable, not shared with {@code share-rw}, with a medium)
     * while the VM runs, as virsh's {@code --copy-storage-all}. The destination QEMU must open
     * an image of the same format and virtual size for each copied disk (pre-create it with
     * {@code qemu-img create}, or through QMP with {@link ImageCreator}).
     *
     * @return copy-storage of all eligible disks
     */
    static Copy copyAll() {
        return new Copy(List.of(), Optional.empty(), Optional.empty(), 0, false);
    }

    /**
     * Copies the named disks only, as virsh's {@code --migrate-disks}. A disk is named by its
     * device id ({@code vblk0}), its QOM path, or its block node name, as
     * {@link Disk#matches(String)} says. Every other writable disk must be shared.
     *
     * @param disks the disks to copy, at least one
     * @return copy-storage of these disks
     */
    static Copy copy(String... disks) {
        if (disks.length == 0) {
            throw new IllegalArgumentException("name at least one disk to copy, or use copyAll()");
        }
        for (String d : disks) {
            if (d == null || d.isBlank()) {
                throw new IllegalArgumentException("a disk name is empty");
            }
        }
        return new Copy(List.of(disks), Optional.empty(), Optional.empty(), 0, false);
    }

    /** Shared storage. */
    record Shared() implements Storage {
    }

    /**
     * Non-shared storage: the destination starts an NBD server with one writable export per
     * copied disk, the source mirrors each disk into its export ({@code blockdev-mirror}) until
     * every mirror is in sync, then RAM migrates; at switchover, with the source paused, the
     * mirrors are ended so that each destination image holds exactly the source's data.
     *
     * @param disks the disks to copy; empty means every eligible disk
     * @param nbd where the source connects to the destination's NBD server; empty means the host
     *            of the migration URI and its port + 1 (for a UNIX-socket URI: its path + {@code .nbd})
     * @param nbdListen where the destination's NBD server listens, when that is not where the
     *                  source connects (a proxy or NAT in between, as {@code listenUri} for the
     *                  migration stream); empty means the same address
     * @param mirrorSpeed the speed limit of each mirror, bytes per second (0: none)
     * @param writeBlocking whether guest writes are copied synchronously ({@code copy-mode:
     *                      write-blocking}) from the start, so that the mirror converges even when
     *                      the guest writes faster than the link (each guest write then waits for
     *                      the destination). When false (the default), the mirror copies in the
     *                      background until it is in sync, and then, where the source QEMU has
     *                      {@code block-job-change} (8.2 and newer), is switched to write-blocking
     *                      and the RAM waits until QEMU reports it {@code actively-synced}; on
     *                      older QEMUs (7.2) it stays in the background, and what the guest wrote
     *                      that the mirror has not copied yet is copied at the switchover, the
     *                      guest paused. {@link DiskCopy#writeBlocking()} says which it was.
     */
    record Copy(List<String> disks, Optional<MigrationUri> nbd, Optional<MigrationUri> nbdListen, long mirrorSpeed,
                boolean writeBlocking) implements Storage {

        /** Checks the values; copies the list. */
        public Copy {
            disks = List.copyOf(disks);
            Objects.requireNonNull(nbd, "nbd");
            Objects.requireNonNull(nbdListen, "nbdListen");
            if (mirrorSpeed < 0) {
                throw new IllegalArgumentException("mirror speed " + mirrorSpeed + " is negative");
            }
        }

        /**
         * @param address where the destination's NBD server listens (virsh {@code --disks-uri})
         * @return a copy with that address
         */
        public Copy nbd(MigrationUri address) {
            return new Copy(disks, Optional.of(address), nbdListen, mirrorSpeed, writeBlocking);
        }

        /**
         * @param address where the destination's NBD server listens, when the source reaches it
         *                through another address (set with {@link #nbd(MigrationUri)})
         * @return a copy with that address
         */
        public Copy nbdListen(MigrationUri address) {
            return new Copy(disks, nbd, Optional.of(address), mirrorSpeed, writeBlocking);
        }

        /**
         * @param bytesPerSecond the speed limit of each mirror (0: none)
         * @return a copy with that limit
         */
        public Copy mirrorSpeed(long bytesPerSecond) {
            return new Copy(disks, nbd, nbdListen, bytesPerSecond, writeBlocking);
        }

        /**
         * @param on whether guest writes are copied synchronously
         * @return a copy with that mode
         */
        public Copy writeBlocking(boolean on) {
            return new Copy(disks, nbd, nbdListen, mirrorSpeed, on);
        }

        /** @return whether every eligible disk is copied */
        public boolean all() {
            return disks.isEmpty();
        }

        /**
         * @param migration the migration stream's address
         * @return where the destination's NBD server listens for this migration
         */
        public MigrationUri nbdFor(MigrationUri migration) {
            if (nbd.isPresent()) {
                return nbd.get();
            }
            String u = migration.uri();
            if (u.startsWith("unix:")) {
                return new MigrationUri(u + ".nbd");
            }
            return MigrationUri.tcp(migration.host().orElseThrow(), migration.port().orElseThrow() + 1);
        }

        /**
         * @param migration the migration stream's address, as the source connects to it
         * @return where the destination's NBD server listens for this migration
         */
        public MigrationUri nbdListenFor(MigrationUri migration) {
            return nbdListen.orElseGet(() -> nbdFor(migration));
        }
    }
}
