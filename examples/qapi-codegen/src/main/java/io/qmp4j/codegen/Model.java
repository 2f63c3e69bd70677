package io.qmp4j.codegen;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The facts of one QEMU version's QAPI schema, as the reader takes them from the sources and the
 * generator reads them back: names, kinds, members and their types, enum values, union branches,
 * conditions ({@code if}), features, the {@code Since:} of each definition and where it is
 * defined. No documentation text.
 */
final class Model {

    private Model() {
    }

    /**
     * @param qemu the QEMU version, e.g. {@code 7.2}
     * @param source where the sources came from, e.g. the Debian source package's version
     * @param upstream the upstream tag whose files the documentation links point to, e.g. {@code v7.2.0}
     * @param definitions in the order of the sources
     */
    record Schema(String qemu, String source, String upstream, List<Definition> definitions) {
    }

    /** A type reference: a named type, or an array of one; in the model's JSON {@code "str"} or {@code "[str]"}. */
    record TypeRef(String name, boolean array) {
        @JsonCreator
        static TypeRef parse(String text) {
            return text.startsWith("[") ? new TypeRef(text.substring(1, text.length() - 1), true) : new TypeRef(text, false);
        }

        @JsonValue
        @Override
        public String toString() {
            return array ? "[" + name + "]" : name;
        }
    }

    /** A member of a struct, of a command's or event's data, or of a union's base. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Member(String name, TypeRef type, boolean optional, String condition, List<String> features) {
        Member {
            features = features == null ? List.of() : features;
        }
    }

    /** An enum value, an alternate's alternative or a union's branch: a name, maybe a type, a condition and features. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Value(String name, TypeRef type, String condition, List<String> features) {
        Value {
            features = features == null ? List.of() : features;
        }
    }

    /** What every definition has. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = Struct.class, name = "struct"), @JsonSubTypes.Type(value = Enum.class, name = "enum"),
            @JsonSubTypes.Type(value = Union.class, name = "union"),
            @JsonSubTypes.Type(value = Alternate.class, name = "alternate"),
            @JsonSubTypes.Type(value = Command.class, name = "command"), @JsonSubTypes.Type(value = Event.class, name = "event")})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    sealed interface Definition permits Struct, Enum, Union, Alternate, Command, Event {
        String name();

        /** @return the QAPI file and line that define it, e.g. {@code qapi/migration.json:123} */
        String at();

        /** @return the version the definition's documentation gives in its {@code Since:}, or null */
        String since();

        String condition();

        List<String> features();
    }

    /** A struct: its own members, and the members of its base, if any, come first. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Struct(String name, String at, String since, String condition, List<String> features, String base,
                  List<Member> members) implements Definition {
        Struct {
            features = features == null ? List.of() : features;
            members = members == null ? List.of() : members;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Enum(String name, String at, String since, String condition, List<String> features, String prefix,
                List<Value> values) implements Definition {
        Enum {
            features = features == null ? List.of() : features;
            values = values == null ? List.of() : values;
        }
    }

    /** A flat union: a base (a struct's name, or members of its own), a discriminator, a branch per discriminator value. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Union(String name, String at, String since, String condition, List<String> features, String base,
                 List<Member> baseMembers, String discriminator, List<Value> branches) implements Definition {
        Union {
            features = features == null ? List.of() : features;
            baseMembers = baseMembers == null ? List.of() : baseMembers;
            branches = branches == null ? List.of() : branches;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Alternate(String name, String at, String since, String condition, List<String> features,
                     List<Value> alternatives) implements Definition {
        Alternate {
            features = features == null ? List.of() : features;
            alternatives = alternatives == null ? List.of() : alternatives;
        }
    }

    /**
     * A command: its arguments are either a named type's ({@code data}; {@code boxed}: the type
     * itself is the arguments) or members of its own.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Command(String name, String at, String since, String condition, List<String> features, String data, boolean boxed,
                   List<Member> members, TypeRef returns, boolean allowOob, boolean gen) implements Definition {
        Command {
            features = features == null ? List.of() : features;
            members = members == null ? List.of() : members;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Event(String name, String at, String since, String condition, List<String> features, String data, boolean boxed,
                 List<Member> members) implements Definition {
        Event {
            features = features == null ? List.of() : features;
            members = members == null ? List.of() : members;
        }
    }
}
