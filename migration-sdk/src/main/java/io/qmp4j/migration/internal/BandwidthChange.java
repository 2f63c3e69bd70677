package io.qmp4j.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qmp4j.migration.FailureKind;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;

/**
 * A change of the source's {@code max-bandwidth} (and, with post-copy enabled,
 * {@code max-postcopy-bandwidth}) asked for while the migration runs (an
 * evacuation re-balancing its budget, virsh {@code migrate-setspeed} during a migration). It is
 * taken on the job's own thread, at its next tick, so that it never races the job's set-up; the
 * latest request wins. Where the job's set-up did not journal the source's own limit, the first
 * change journals the limit it replaces, so the job's undo restores the source's limit from
 * before the job, whether or not the job had set one (and reports it once).
 */
final class BandwidthChange {

    private long pending = -1;
    private CompletableFuture<Void> done;
    private boolean journalled;

    /** @return completes when the limit is set; fails when the job ends first or QEMU refuses it */
    synchronized CompletableFuture<Void> request(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bandwidth " + bytesPerSecond + " is not positive");
        }
        pending = bytesPerSecond;
        if (done == null) {
            done = new CompletableFuture<>();
        }
        return done;
    }

    /** On the job's thread, while RAM moves: sets a pending limit. */
    void apply(JobContext ctx) throws Failure {
        long b;
        CompletableFuture<Void> f;
        synchronized (this) {
            if (pending < 0) {
                return;
            }
            b = pending;
            f = done;
            pending = -1;
            done = null;
        }
        ObjectNode set = JsonNodeFactory.instance.objectNode().put("max-bandwidth", b);
        if (ctx.plan.postcopyEnabled()) {
            set.put("max-postcopy-bandwidth", b); // after a switch to post-copy the same limit holds
        }
        try {
            if (journalled || restoredAnyway(ctx, set)) {
                ctx.qmp.raw(Side.SOURCE, "migrate-set-parameters", set);
            } else {
                JsonNode now = ctx.qmp.raw(Side.SOURCE, "query-migrate-parameters", null);
                ObjectNode old = JsonNodeFactory.instance.objectNode();
                set.fieldNames().forEachRemaining(k -> old.set(k, now.path(k)));
                ctx.journal.perform(Undo.parameters(Side.SOURCE, old), () -> ctx.qmp.raw(Side.SOURCE, "migrate-set-parameters", set));
                journalled = true;
            }
            f.complete(null);
        } catch (Failure e) {
            f.completeExceptionally(new IllegalStateException("max-bandwidth not changed: " + e.getMessage(), e));
            if (e.kind() != FailureKind.COMMAND_FAILED) {
                throw e;
            }
        }
    }

    /**
     * @return whether an earlier step of the job (its set-up) already journalled the source's own
     *         value of every parameter in {@code set}: its undo restores them, so a second step
     *         would only restore the job's value on the way (and be reported twice)
     */
    private static boolean restoredAnyway(JobContext ctx, ObjectNode set) {
        for (Undo u : ctx.journal.steps()) {
            if (u.side() == Side.SOURCE && u.action() == Undo.Action.SET_PARAMETERS) {
                boolean all = true;
                for (Iterator<String> it = set.fieldNames(); it.hasNext(); ) {
                    all &= u.args().has(it.next());
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The job ended: a request not taken fails. */
    void ended() {
        CompletableFuture<Void> f;
        synchronized (this) {
            f = done;
            done = null;
            pending = -1;
        }
        if (f != null) {
            f.completeExceptionally(new IllegalStateException("the migration ended before its bandwidth was changed"));
        }
    }
}
