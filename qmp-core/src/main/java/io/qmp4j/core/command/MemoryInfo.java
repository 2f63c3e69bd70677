package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The reply to {@code query-memory-size-summary}.
 *
 * @param baseMemory the boot RAM in bytes
 * @param pluggedMemory hot-plugged RAM in bytes, or {@code null}
 * @since 0.1
 */
public record MemoryInfo(@JsonProperty("base-memory") long baseMemory, @JsonProperty("plugged-memory") Long pluggedMemory) {
}
