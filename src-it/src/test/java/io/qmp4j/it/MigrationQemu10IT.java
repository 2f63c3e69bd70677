package io.qmp4j.it;

/** {@link MigrationIT} on QEMU 10.0: shared storage, multifd, compression, auto-converge, timeout actions, dirty rate and the pre-flight checks. */
@OnQemu10
class MigrationQemu10IT extends MigrationIT {
}
