package io.qmp4j.it;

/** {@link CliIT} on QEMU 10.0: the command-line tool. */
@OnQemu10
class CliQemu10IT extends CliIT {
}
