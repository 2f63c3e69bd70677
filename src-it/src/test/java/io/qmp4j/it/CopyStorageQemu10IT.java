package io.qmp4j.it;

/** {@link CopyStorageIT} on QEMU 10.0: copy-storage. */
@OnQemu10
class CopyStorageQemu10IT extends CopyStorageIT {
}
