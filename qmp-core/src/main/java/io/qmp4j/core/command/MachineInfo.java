package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An element of the reply to {@code query-machines}.
 *
 * @param name the machine type
 * @param alias its alias (e.g. {@code q35}), or {@code null}
 * @param isDefault whether it is the default, or {@code null}
 * @param cpuMax the most vCPUs it supports
 * @param hotpluggableCpus whether vCPUs can be hot-plugged
 * @param numaMemSupported whether it supports NUMA memory
 * @param deprecated whether it is deprecated
 * @param defaultCpuType its default CPU type, or {@code null}
 * @param defaultRamId its default RAM backend id, or {@code null}
 * @since 0.1
 */
public record MachineInfo(String name, String alias, @JsonProperty("is-default") Boolean isDefault,
                          @JsonProperty("cpu-max") int cpuMax, @JsonProperty("hotpluggable-cpus") boolean hotpluggableCpus,
                          @JsonProperty("numa-mem-supported") boolean numaMemSupported, boolean deprecated,
                          @JsonProperty("default-cpu-type") String defaultCpuType,
                          @JsonProperty("default-ram-id") String defaultRamId) {
}
