package io.qmp4j.core.schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One type of the QAPI schema as QEMU introspects it. QEMU hides type names (they are numbers
 * such as {@code "143"}), so types are reached from commands and events, not by their QAPI name.
 *
 * @since 0.1
 */
public sealed interface SchemaType {

    /** @return the type's id in this schema (masked by QEMU; not stable across versions) */
    String id();

    /**
     * A built-in type: {@code str}, {@code int}, {@code bool}, {@code number}, {@code any}, {@code null}, …
     *
     * @param id the name
     * @param jsonType the JSON type
     */
    record Builtin(String id, String jsonType) implements SchemaType {
    }

    /**
     * An enumeration.
     *
     * @param id the id
     * @param values the values, in schema order
     * @param deprecatedValues values marked deprecated
     */
    record Enum(String id, List<String> values, List<String> deprecatedValues) implements SchemaType {
        /**
         * @param value a value
         * @return whether the enum has it
         */
        public boolean hasValue(String value) {
            return values.contains(value);
        }
    }

    /**
     * An array.
     *
     * @param id the id
     * @param elementType the element type's id
     */
    record Array(String id, String elementType) implements SchemaType {
    }

    /**
     * An object, possibly a flat union: the common members, plus the members of the variant the
     * tag member selects.
     *
     * @param id the id
     * @param members the common members by name, in schema order
     * @param tag the discriminator member of a union, or {@code null}
     * @param variants the variant object type's id per tag value
     */
    record Object(String id, Map<String, Member> members, String tag, Map<String, String> variants) implements SchemaType {
        /**
         * @param name a member name
         * @return the common member of that name
         */
        public Optional<Member> member(String name) {
            return Optional.ofNullable(members.get(name));
        }
    }

    /**
     * An alternate: a value of any one of several types.
     *
     * @param id the id
     * @param types the alternatives' type ids
     */
    record Alternate(String id, List<String> types) implements SchemaType {
    }

    /**
     * A member of an object type.
     *
     * @param name the member's name
     * @param type the member's type id
     * @param optional whether it may be left out
     * @param features its features, e.g. {@code deprecated}, {@code unstable}
     */
    record Member(String name, String type, boolean optional, List<String> features) {
        /** @return whether the member is deprecated */
        public boolean isDeprecated() {
            return features.contains("deprecated");
        }
    }
}
