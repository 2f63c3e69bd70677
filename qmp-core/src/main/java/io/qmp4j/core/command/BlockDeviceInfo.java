package io.qmp4j.core.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * QAPI's {@code BlockDeviceInfo}: a block node (the medium in {@code query-block}, an element of
 * {@code query-named-block-nodes}). The I/O-throttling members are left out.
 *
 * @param file the file name (or JSON description) of the node
 * @param nodeName the node's name, or {@code null}
 * @param ro whether it is read-only
 * @param drv the format driver, e.g. {@code qcow2}
 * @param backingFile the backing file, or {@code null}
 * @param backingFileDepth the depth of the backing chain
 * @param encrypted whether it is encrypted
 * @param detectZeroes the detect-zeroes setting
 * @param image the image's information
 * @param cache the cache mode ({@code writeback}, {@code direct}, {@code no-flush})
 * @param writeThreshold the write threshold, bytes (0: none)
 * @since 0.1
 */
public record BlockDeviceInfo(String file, @JsonProperty("node-name") String nodeName, boolean ro, String drv,
                              @JsonProperty("backing_file") String backingFile,
                              @JsonProperty("backing_file_depth") int backingFileDepth, boolean encrypted,
                              @JsonProperty("detect_zeroes") String detectZeroes, ImageInfo image, JsonNode cache,
                              @JsonProperty("write_threshold") long writeThreshold) {

    /**
     * QAPI's {@code ImageInfo}, in part.
     *
     * @param filename the image file
     * @param format its format
     * @param virtualSize its size as the guest sees it, bytes
     * @param actualSize the space it takes on the host, bytes, or {@code null}
     * @param dirtyFlag whether it is marked dirty, or {@code null}
     * @param backingFilename the backing file, or {@code null}
     * @param backingImage the backing image, or {@code null}
     */
    public record ImageInfo(String filename, String format, @JsonProperty("virtual-size") long virtualSize,
                            @JsonProperty("actual-size") Long actualSize, @JsonProperty("dirty-flag") Boolean dirtyFlag,
                            @JsonProperty("backing-filename") String backingFilename,
                            @JsonProperty("backing-image") ImageInfo backingImage) {
    }
}
