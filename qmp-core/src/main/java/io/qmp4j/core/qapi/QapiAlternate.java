package io.qmp4j.core.qapi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A generated QAPI alternate: a value that is one of several types, told apart by its JSON type
 * (an object, a string, a number…). Exactly one of the record's alternatives is set; a value that
 * fits none (a newer QEMU's) is kept in {@code other()}.
 *
 * @since 0.2
 */
public interface QapiAlternate {

    /** @return the value as QEMU reads it */
    JsonNode toJson();
}
