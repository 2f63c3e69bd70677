package io.qmp4j.core.qapi;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A value of a generated QAPI enum. The generated classes are open: a value that no schema qmp4j
 * was generated from has is kept as it was sent ({@code of("new-state")} is a value, not an
 * error), compares by its text, and says so in {@link #isKnown()}. Known values are one instance
 * each, so {@code ==} works for them; {@code known()} of each class maps a value to a Java enum
 * for {@code switch}.
 *
 * @since 0.2
 */
public abstract class QapiEnum {

    private final String value;
    private final boolean known;

    /**
     * @param value the QAPI name of the value
     * @param known whether it is one of the generated constants
     */
    protected QapiEnum(String value, boolean known) {
        this.value = Objects.requireNonNull(value, "value");
        this.known = known;
    }

    /** @return the value as QEMU writes it, e.g. {@code postcopy-active} */
    @JsonValue
    public final String value() {
        return value;
    }

    /** @return whether the value is one of the generated constants (else a newer QEMU's) */
    public final boolean isKnown() {
        return known;
    }

    @Override
    public final boolean equals(Object o) {
        return o == this || o != null && o.getClass() == getClass() && ((QapiEnum) o).value.equals(value);
    }

    @Override
    public final int hashCode() {
        return value.hashCode();
    }

    @Override
    public final String toString() {
        return value;
    }
}
