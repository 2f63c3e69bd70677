package io.qmp4j.core.command;

/**
 * The reply to {@code query-status}.
 *
 * @param running whether the vCPUs run
 * @param status QEMU's run state as sent, e.g. {@code "running"}, {@code "prelaunch"},
 *               {@code "paused"}, {@code "postmigrate"}, {@code "inmigrate"}
 * @since 0.1
 */
public record StatusInfo(boolean running, String status) {
}
