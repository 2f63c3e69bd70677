package io.qmp4j.migration.internal;

/** Runs one undo step. */
@FunctionalInterface
interface Undoer {

    /**
     * @param undo the step
     * @return what was done, for humans
     * @throws Failure when it could not be done
     */
    String undo(Undo undo) throws Failure;
}
