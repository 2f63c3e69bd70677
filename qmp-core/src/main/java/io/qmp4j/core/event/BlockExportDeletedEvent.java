package io.qmp4j.core.event;

/**
 * The {@code BLOCK_EXPORT_DELETED} event: a block export is gone. A view of a {@link QmpEvent}:
 * {@code event.as(BlockExportDeletedEvent.class)}.
 *
 * @param id the export id
 * @since 0.1
 */
public record BlockExportDeletedEvent(String id) {

    /** The event's name. */
    public static final String NAME = "BLOCK_EXPORT_DELETED";
}
