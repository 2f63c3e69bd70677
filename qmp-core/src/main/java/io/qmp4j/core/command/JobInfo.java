package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An element of the reply to {@code query-jobs}.
 *
 * @param id the job id
 * @param type the job type, e.g. {@code mirror}, {@code create}
 * @param statusName the state as sent
 * @param currentProgress work done
 * @param totalProgress estimated total work
 * @param error the error that ended it, or {@code null}
 * @since 0.1
 */
public record JobInfo(String id, String type, @JsonProperty("status") String statusName,
                      @JsonProperty("current-progress") long currentProgress,
                      @JsonProperty("total-progress") long totalProgress, String error) {

    /** @return the job state */
    public JobStatus status() {
        return JobStatus.of(statusName);
    }
}
