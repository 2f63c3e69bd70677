package io.qmp4j.core.command;

/**
 * The reply to {@code query-cpu-model-expansion}.
 *
 * @param model the expanded model with all its properties
 * @since 0.1
 */
public record CpuModelExpansionInfo(CpuModelInfo model) {
}
