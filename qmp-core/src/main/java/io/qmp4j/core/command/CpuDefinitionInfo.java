package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An element of the reply to {@code query-cpu-definitions}.
 *
 * @param name the model's name
 * @param migrationSafe whether it is safe across QEMU versions and hosts ({@code null}: not said)
 * @param isStatic whether it never changes across QEMU versions
 * @param unavailableFeatures what keeps it from running here (empty: usable), or {@code null}
 * @param typename its QOM type name
 * @param aliasOf the model it is an alias of, or {@code null}
 * @param deprecated whether it is deprecated
 * @since 0.1
 */
public record CpuDefinitionInfo(String name, @JsonProperty("migration-safe") Boolean migrationSafe,
                                @JsonProperty("static") boolean isStatic,
                                @JsonProperty("unavailable-features") List<String> unavailableFeatures,
                                String typename, @JsonProperty("alias-of") String aliasOf, boolean deprecated) {
}
