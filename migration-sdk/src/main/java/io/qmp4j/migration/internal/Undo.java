package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The compensating action of one change a job made to a QEMU. Plain data, so that it can be
 * kept in the job's record inside that QEMU and run by a later process after this one died.
 * Every action is idempotent: undoing what is already gone counts as done.
 *
 * @param side the QEMU it applies to
 * @param action what to do
 * @param args the action's arguments (the old values, an id)
 * @param what what the change was, for humans ("set max-bandwidth, downtime-limit")
 * @param onSuccess whether it is also run when the migration succeeds (restoring a setting,
 *                  removing an object), or only on rollback (resuming a VM the job paused)
 */
public record Undo(Side side, Action action, ObjectNode args, String what, boolean onSuccess) {

    /** What an undo does. */
    public enum Action {
        /** {@code migrate-set-parameters} with the old values. */
        SET_PARAMETERS,
        /** {@code migrate-set-capabilities} with the old states. */
        SET_CAPABILITIES,
        /** {@code object-del}. */
        OBJECT_DEL,
        /** {@code nbd-server-stop} (which also removes its exports). */
        NBD_SERVER_STOP,
        /** {@code blockdev-del}. */
        BLOCKDEV_DEL,
        /** Force-cancel a block job (yanking its NBD connection when it hangs), then dismiss it. */
        CANCEL_JOB,
        /** {@code cont}: resume a VM the job paused. */
        CONT,
        /** Set a QEMU thread's CPU affinity back (with {@code taskset}, on the source's host). */
        AFFINITY
    }

    static Undo parameters(Side side, ObjectNode old) {
        return new Undo(side, Action.SET_PARAMETERS, old, "parameters " + String.join(", ", iterable(old)), true);
    }

    static Undo capabilities(Side side, ObjectNode oldArgs, String names) {
        return new Undo(side, Action.SET_CAPABILITIES, oldArgs, "capabilities " + names, true);
    }

    static Undo object(Side side, String id, String what) {
        return new Undo(side, Action.OBJECT_DEL, id(id), what + " " + id, true);
    }

    static Undo nbdServer() {
        return new Undo(Side.DESTINATION, Action.NBD_SERVER_STOP, JsonNodeFactory.instance.objectNode(), "NBD server", true);
    }

    static Undo node(String id, String disk) {
        return new Undo(Side.SOURCE, Action.BLOCKDEV_DEL, id(id), "NBD node " + id + " of disk '" + disk + "'", true);
    }

    static Undo mirror(String id, String disk) {
        return new Undo(Side.SOURCE, Action.CANCEL_JOB, id(id).put("disk", disk), "mirror of disk '" + disk + "'", true);
    }

    static Undo resume(Side side) {
        return new Undo(side, Action.CONT, JsonNodeFactory.instance.objectNode(), "paused VM", false);
    }

    static Undo affinity(long pid, long tid, String mask, String thread) {
        return new Undo(Side.SOURCE, Action.AFFINITY, JsonNodeFactory.instance.objectNode().put("pid", pid).put("tid", tid)
                .put("mask", mask), "CPU affinity of thread " + tid + " (" + thread + ")", true);
    }

    String id() {
        return args.path("id").asText();
    }

    private static ObjectNode id(String id) {
        return JsonNodeFactory.instance.objectNode().put("id", id);
    }

    private static Iterable<String> iterable(ObjectNode o) {
        java.util.List<String> l = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(l::add);
        return l;
    }
}
