package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An element of the reply to {@code query-block-jobs}.
 *
 * @param type the job type, e.g. {@code mirror}
 * @param device the job id (the device name for jobs started without one)
 * @param len the estimated total work, bytes
 * @param offset the work done, bytes
 * @param busy whether it is doing I/O now
 * @param paused whether it is paused
 * @param speed its speed limit, bytes per second (0: none)
 * @param ioStatus its I/O status
 * @param ready whether a mirror is in sync and can be completed or cancelled
 * @param statusName the job state as sent
 * @param autoFinalize whether it finalizes by itself
 * @param autoDismiss whether it is dismissed by itself
 * @param error the error that ended it, or {@code null}
 * @param activelySynced a mirror's: whether every guest write now reaches the target as it is
 *                       made (a READY {@code write-blocking} mirror with nothing left to copy);
 *                       {@code null} from QEMUs before 8.2 and for other job types
 * @since 0.1
 */
public record BlockJobInfo(String type, String device, long len, long offset, boolean busy, boolean paused, long speed,
                           @JsonProperty("io-status") String ioStatus, boolean ready, @JsonProperty("status") String statusName,
                           @JsonProperty("auto-finalize") boolean autoFinalize,
                           @JsonProperty("auto-dismiss") boolean autoDismiss, String error,
                           @JsonProperty("actively-synced") Boolean activelySynced) {

    /** @return the job state */
    public JobStatus status() {
        return JobStatus.of(statusName);
    }
}
