package io.qmp4j.it;

/** {@link SafetyIT} on QEMU 10.0: the safety rules (limits, paused VMs, refused second jobs). */
@OnQemu10
class SafetyQemu10IT extends SafetyIT {
}
