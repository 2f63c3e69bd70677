package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An element of the reply to {@code query-cpus-fast}.
 *
 * @param cpuIndex the vCPU's index
 * @param qomPath its QOM path
 * @param threadId the host thread that runs it
 * @param props its topology properties (socket, core, thread ids), or {@code null}
 * @param target the target architecture, e.g. {@code x86_64}
 * @since 0.1
 */
public record CpuInfoFast(@JsonProperty("cpu-index") int cpuIndex, @JsonProperty("qom-path") String qomPath,
                          @JsonProperty("thread-id") long threadId, JsonNode props, String target) {
}
