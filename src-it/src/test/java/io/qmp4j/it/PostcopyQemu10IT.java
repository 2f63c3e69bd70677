package io.qmp4j.it;

/** {@link PostcopyIT} on QEMU 10.0: post-copy. */
@OnQemu10
class PostcopyQemu10IT extends PostcopyIT {
}
