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

    /** What qmp4j names: a job's id then a role, or the names of the first release (one job at a time). */
    private static final java.util.regex.Pattern OURS =
            java.util.regex.Pattern.compile("qmp4j-([0-9a-f]{8}-.+|tls|authz|pw|mirror-[0-9]+)");

    /**
     * @param name an object's, node's, export's or job's name
     * @return whether qmp4j gave it (a name of the user's own, such as {@code qmp4j-monitor}, is not)
     */
    public static boolean isOurs(String name) {
        return name != null && OURS.matcher(name).matches();
    }

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
