package io.qmp4j.migration.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The names of one job's objects, nodes, exports and block jobs: each carries the job's id, so
 * that two jobs never collide and a leftover can be traced to the job that made it.
 *
 * @param job eight hex digits
 */
public record Names(String job) {

    /** Every name qmp4j gives starts with this. */
    public static final String PREFIX = "qmp4j-";
    /** A job's record objects are named this, then the job's id. */
    public static final String RECORD_PREFIX = PREFIX + "job-";

    /** @return a new job's names */
    public static Names random() {
        return new Names(String.format("%08x", ThreadLocalRandom.current().nextInt()));
    }

    /** @return the id of the job's record object in each QEMU */
    public String record() {
        return RECORD_PREFIX + job;
    }

    /** @return the {@code tls-creds-x509} object on each side */
    public String tls() {
        return PREFIX + job + "-tls";
    }

    /** @return the destination's {@code authz-list} */
    public String authz() {
        return PREFIX + job + "-authz";
    }

    /** @return the {@code secret} holding the key password */
    public String secret() {
        return PREFIX + job + "-pw";
    }

    /**
     * @param disk the disk's index
     * @return the NBD export, NBD client node and mirror job of that disk
     */
    public String mirror(int disk) {
        return PREFIX + job + "-mirror-" + disk;
    }
}
