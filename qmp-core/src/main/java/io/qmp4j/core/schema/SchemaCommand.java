package io.qmp4j.core.schema;

import java.util.List;

/**
 * A command of the QAPI schema.
 *
 * @param name the command's name
 * @param argType the id of its argument type (an object type)
 * @param retType the id of its return type
 * @param allowOob whether it may be executed out of band
 * @param features its features, e.g. {@code deprecated}, {@code unstable}
 * @since 0.1
 */
public record SchemaCommand(String name, String argType, String retType, boolean allowOob, List<String> features) {

    /** @return whether the command is deprecated */
    public boolean isDeprecated() {
        return features.contains("deprecated");
    }

    /** @return whether the command is unstable (experimental) */
    public boolean isUnstable() {
        return features.contains("unstable");
    }
}
