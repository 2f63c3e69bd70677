package io.qmp4j.migration.internal;

/** Which QEMU of a migration. */
public enum Side {
    /** The running VM. */
    SOURCE("source"),
    /** The incoming QEMU. */
    DESTINATION("destination");

    private final String label;

    Side(String label) {
        this.label = label;
    }

    /** @return "source" or "destination" */
    public String label() {
        return label;
    }
}
