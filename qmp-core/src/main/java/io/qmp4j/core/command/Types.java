package io.qmp4j.core.command;

import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.reflect.Type;
import java.util.List;

/** Result types that are lists. */
final class Types {

    private Types() {
    }

    static Type listOf(Class<?> element) {
        return TypeFactory.defaultInstance().constructCollectionType(List.class, element);
    }
}
