package io.qmp4j.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class's QEMUs on the QEMU 10.0 that {@code ./run-tests} provides instead of the
 * system's 7.2: a subclass named {@code …Qemu10IT} with this annotation runs every test of its
 * parent on 10.0, except those marked {@link OneQemu}. A test needing 10.0 fails when it is not
 * installed, saying how to get it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface OnQemu10 {
}
