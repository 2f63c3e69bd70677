package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An element of the reply to {@code query-block}: a block device of the guest.
 *
 * @param device the device name (empty for devices added with {@code -blockdev})
 * @param qdev the guest device's id or QOM path, or {@code null}
 * @param type the device type (deprecated by QEMU, always {@code unknown})
 * @param removable whether its medium can be removed
 * @param locked whether the medium is locked
 * @param inserted the medium, or {@code null} when empty
 * @param trayOpen whether the tray is open, or {@code null}
 * @param ioStatus the I/O status, or {@code null}
 * @since 0.1
 */
public record BlockInfo(String device, String qdev, String type, boolean removable, boolean locked,
                        BlockDeviceInfo inserted, @JsonProperty("tray_open") Boolean trayOpen,
                        @JsonProperty("io-status") String ioStatus) {
}
