package io.qmp4j.core.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A CPU model and property overrides, as {@code query-cpu-model-expansion} takes and returns it.
 *
 * @param name the model's name
 * @param props properties (feature flags and more), or {@code null}
 * @since 0.1
 */
public record CpuModelInfo(String name, JsonNode props) {
    /** @param name must not be {@code null} */
    public CpuModelInfo {
        Objects.requireNonNull(name, "name");
    }
}
