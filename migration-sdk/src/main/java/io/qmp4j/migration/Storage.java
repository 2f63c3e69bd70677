package io.qmp4j.migration;

/**
 * How the VM's disks reach the destination.
 *
 * @since 0.1
 */
public sealed interface Storage permits Storage.Shared {

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

    /** Shared storage. */
    record Shared() implements Storage {
    }
}
