package io.qmp4j.it;

/** {@link ReliabilityIT} on QEMU 10.0: the reliability cases (stalls, resets, dropped monitors). */
@OnQemu10
class ReliabilityQemu10IT extends ReliabilityIT {
}
