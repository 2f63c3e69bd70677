package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The reply to {@code query-status}.
 *
 * @param running whether the vCPUs run
 * @param singlestep whether single-stepping is on; {@code null} from QEMUs that no longer send it
 *                   (7.2 does, 10.0 does not)
 * @param statusName QEMU's run state as sent, e.g. {@code "running"}, {@code "prelaunch"},
 *                   {@code "paused"}, {@code "postmigrate"}, {@code "inmigrate"}
 * @since 0.1
 */
public record StatusInfo(boolean running, Boolean singlestep, @JsonProperty("status") String statusName) {

    /** @return the run state; {@link RunState#UNKNOWN} for one this library does not know */
    public RunState status() {
        return RunState.of(statusName);
    }
}
