package io.qmp4j.migration.evacuation;

import java.util.ArrayList;
import java.util.List;

/**
 * How a total bandwidth budget is shared among the running migrations: each first gets what it
 * needs to converge ({@link #HEADROOM} times its dirty rate, as far as the budget goes), the rest
 * is shared equally, and no share passes the migration's own limit (water-filling: what a capped
 * migration cannot take goes to the others). When the needs alone pass the budget, it is shared
 * in proportion to them. No share is below {@link #FLOOR}, and the shares never add up to more than
 * the budget (unless the floors alone do). Pure: no I/O, no state.
 */
final class BandwidthBudget {

    /** A migration converges only when its bandwidth passes its dirty rate: it needs this much more. */
    static final double HEADROOM = 1.5;
    /** The least any running migration gets, bytes per second (1 MiB/s). */
    static final long FLOOR = 1L << 20;

    private BandwidthBudget() {
    }

    /**
     * What one running migration asks of the budget.
     *
     * @param dirtyRate its guest's measured dirty rate, bytes per second (0 when not measured)
     * @param cap its own bandwidth limit ({@code Long.MAX_VALUE} when none)
     */
    record Demand(long dirtyRate, long cap) {
        long need() {
            return Math.min(cap, (long) (dirtyRate * HEADROOM));
        }
    }

    /**
     * @param total the budget, bytes per second
     * @param demands the running migrations
     * @return each one's share, in the same order, bytes per second
     */
    static List<Long> shares(long total, List<Demand> demands) {
        int n = demands.size();
        double[] share = new double[n];
        double needs = demands.stream().mapToDouble(Demand::need).sum();
        if (needs >= total && needs > 0) {
            for (int i = 0; i < n; i++) {
                share[i] = total * demands.get(i).need() / needs;
            }
        } else {
            for (int i = 0; i < n; i++) {
                share[i] = demands.get(i).need();
            }
            fill(share, demands, total - needs);
        }
        List<Long> out = new ArrayList<>(n);
        for (double s : share) {
            out.add(Math.max(FLOOR, (long) s));
        }
        // The floor may have lifted the sum past the budget: the largest share gives it back.
        long excess = out.stream().mapToLong(Long::longValue).sum() - total;
        if (excess > 0 && n > 0) {
            int largest = 0;
            for (int i = 1; i < n; i++) {
                largest = out.get(i) > out.get(largest) ? i : largest;
            }
            out.set(largest, Math.max(FLOOR, out.get(largest) - excess));
        }
        return out;
    }

    /** Shares {@code rest} equally among those below their cap, again and again, until none is left or all are capped. */
    private static void fill(double[] share, List<Demand> demands, double rest) {
        boolean[] capped = new boolean[share.length];
        while (rest > 1) {
            long open = 0;
            for (boolean c : capped) {
                open += c ? 0 : 1;
            }
            if (open == 0) {
                return;
            }
            double each = rest / open;
            rest = 0;
            for (int i = 0; i < share.length; i++) {
                if (capped[i]) {
                    continue;
                }
                double room = demands.get(i).cap() - share[i];
                if (room <= each) {
                    share[i] += Math.max(0, room);
                    rest += each - Math.max(0, room);
                    capped[i] = true;
                } else {
                    share[i] += each;
                }
            }
        }
    }
}
