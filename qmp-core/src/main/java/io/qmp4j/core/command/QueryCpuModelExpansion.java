package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * {@code query-cpu-model-expansion}: expands a CPU model into its properties.
 *
 * @param type {@code static} or {@code full}
 * @param model the model to expand
 * @since 0.1
 */
public record QueryCpuModelExpansion(String type, CpuModelInfo model) implements QmpCommand<CpuModelExpansionInfo> {
    /** Checks the mandatory arguments. */
    public QueryCpuModelExpansion {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(model, "model");
    }

    @Override
    public String commandName() {
        return "query-cpu-model-expansion";
    }

    @Override
    public Type resultType() {
        return CpuModelExpansionInfo.class;
    }
}
