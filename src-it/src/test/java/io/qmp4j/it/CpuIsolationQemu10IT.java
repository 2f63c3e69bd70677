package io.qmp4j.it;

/** {@link CpuIsolationIT} on QEMU 10.0: the migration threads found with query-migrationthreads. */
@OnQemu10
class CpuIsolationQemu10IT extends CpuIsolationIT {
}
