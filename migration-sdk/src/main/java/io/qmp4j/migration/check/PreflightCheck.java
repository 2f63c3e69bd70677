package io.qmp4j.migration.check;

import java.util.List;

/**
 * One precaution, checked before a migration starts. Checks only query; they change nothing.
 *
 * @since 0.1
 */
public interface PreflightCheck {

    /** @return a short name, e.g. {@code same-cpu-model} */
    String name();

    /**
     * @param ctx both QEMUs
     * @return the problems found, each naming what is wrong and the fix; empty when all is well
     * @throws Exception when a query fails (reported as a problem of this check)
     */
    List<String> check(PreflightContext ctx) throws Exception;
}
