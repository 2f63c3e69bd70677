package io.qmp4j.migration;

import io.qmp4j.core.qapi.BlockInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A disk of a VM as migrations see it: one element of {@code query-block} with a medium.
 *
 * @param id the short name: the device id ({@code vblk0} for {@code -device virtio-blk-pci,id=vblk0}),
 *           else the QOM path, else the legacy drive name
 * @param qomPath the guest device's QOM path ({@code /machine/peripheral/vblk0/virtio-backend}), or {@code ""}
 * @param device the legacy drive name ({@code -drive id=…}), or {@code ""} for {@code -blockdev}
 * @param nodeName the block node the device uses (the top of its chain)
 * @param file the image file
 * @param format the image format ({@code qcow2}, {@code raw})
 * @param virtualSize the size the guest sees, bytes
 * @param readOnly whether the device is read-only
 * @since 0.1
 */
public record Disk(String id, String qomPath, String device, String nodeName, String file, String format, long virtualSize,
                   boolean readOnly) {

    private static final String PERIPHERAL = "/machine/peripheral/";

    /**
     * @param blocks the reply to {@code query-block}
     * @return the disks that have a medium, in QEMU's order
     */
    public static List<Disk> of(List<BlockInfo> blocks) {
        List<Disk> disks = new ArrayList<>();
        for (BlockInfo b : blocks) {
            if (b.inserted() == null) {
                continue;
            }
            String qom = b.qdev() == null ? "" : b.qdev();
            String device = b.device() == null ? "" : b.device();
            String id = qom.startsWith(PERIPHERAL) ? qom.substring(PERIPHERAL.length()).split("/")[0]
                    : !qom.isEmpty() ? qom : device;
            var m = b.inserted();
            String file = m.image() != null && m.image().filename() != null ? m.image().filename() : m.file();
            String format = m.image() != null && m.image().format() != null ? m.image().format() : m.drv();
            long size = m.image() == null ? 0 : m.image().virtualSize();
            disks.add(new Disk(id, qom, device, m.nodeName() == null ? "" : m.nodeName(), file, format, size, m.ro()));
        }
        return disks;
    }

    /**
     * @param name a device id, QOM path, node name or legacy drive name
     * @return whether it names this disk
     */
    public boolean matches(String name) {
        return !name.isEmpty() && (name.equals(id) || name.equals(qomPath) || name.equals(nodeName) || name.equals(device));
    }
}
