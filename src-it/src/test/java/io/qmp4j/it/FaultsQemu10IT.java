package io.qmp4j.it;

/** {@link FaultsIT} on QEMU 10.0: the fault cases. */
@OnQemu10
class FaultsQemu10IT extends FaultsIT {
}
