package io.qmp4j.core.qapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What QEMU's schemas say of a generated type, member or enum value: its QAPI name, the QEMU
 * versions whose schema has it, and its features. The connected QEMU's own schema
 * ({@code query-qmp-schema}, checked before each typed command) has the last word.
 *
 * @since 0.2
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
public @interface Qapi {

    /** @return the QAPI name, e.g. {@code exit-on-error} */
    String name();

    /** @return the QEMU versions, among those qmp4j was generated from, whose schema has it, e.g. {@code {"7.2", "10.0"}} */
    String[] in();

    /** @return the version the QAPI documentation gives in its {@code Since:}, or empty (types, commands and events only) */
    String since() default "";

    /** @return its QAPI features in the newest schema that has it, e.g. {@code deprecated}, {@code unstable} */
    String[] features() default {};

    /** @return its QAPI condition ({@code if}) in the newest schema that has it, e.g. {@code CONFIG_SPICE}, or empty */
    String condition() default "";
}
