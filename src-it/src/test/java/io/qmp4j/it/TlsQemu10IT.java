package io.qmp4j.it;

/** {@link TlsIT} on QEMU 10.0: TLS, single channel and multifd, and QMP over TLS. */
@OnQemu10
class TlsQemu10IT extends TlsIT {
}
