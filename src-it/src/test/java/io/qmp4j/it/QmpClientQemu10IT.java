package io.qmp4j.it;

/** {@link QmpClientIT} on QEMU 10.0: the client against a real QMP monitor. */
@OnQemu10
class QmpClientQemu10IT extends QmpClientIT {
}
