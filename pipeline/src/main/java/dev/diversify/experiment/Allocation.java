package dev.diversify.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Compression targets (ALGORITHM.md, "Compression targets"): one grid point per group so that the exactly
 * counted reduction of the whole network reaches a target with the least predicted accuracy loss, the sum
 * of the groups' single-group drops (the sensitivity-analysis assumption: drops add up). Pruning a layer's
 * outputs also shrinks its consumers' inputs, so savings do not add up: the solver works on each group's
 * saving alone (an additive approximation, solved exactly by dynamic programming over savings), and its
 * answer is recounted exactly and repaired (the shortfall added to what the approximation must reach)
 * until the exact count reaches the target. It looks first for plans within 3 points above the target,
 * and only where the grid has none there, above; among plans of equal predicted loss it takes the
 * smallest saving.
 */
final class Allocation {
    /** Buckets the savings are counted in: a saving is known to 1/STEPS of the target. */
    private static final int STEPS = 4000;
    private static final int MAX_REPAIRS = 50;
    /** How far above the target a reduction may land when the grid has a plan there: 3 points. */
    static final double WINDOW = 0.03;

    private Allocation() {
    }

    /**
     * One grid point of one group.
     *
     * @param drop its validation-accuracy drop when the group alone is pruned there, clipped at 0 (a fraction)
     */
    record Point(double drop) {
    }

    /**
     * The grid point per group (by index into its list) whose plan reaches {@code target}.
     *
     * @param points    each group's grid points; index 0 must keep every channel (no saving, no drop)
     * @param cost      the exact cost (parameters or MACs) of the network pruned at the given points
     * @param target    the fraction of the unpruned cost to remove, in (0, 1)
     * @throws IllegalArgumentException when no combination reaches the target: names the largest reachable
     *     reduction
     */
    static Map<String, Integer> toTarget(Map<String, List<Point>> points, ToLongFunction<Map<String, Integer>> cost,
                                         double target) {
        Map<String, Integer> none = new LinkedHashMap<>();
        Map<String, Integer> most = new LinkedHashMap<>();
        points.forEach((group, list) -> {
            none.put(group, 0);
            int last = 0; // the most pruned point that was measured (an unmeasured one has an infinite drop)
            for (int k = 0; k < list.size(); k++) {
                if (Double.isFinite(list.get(k).drop())) {
                    last = k;
                }
            }
            most.put(group, last);
        });
        long full = cost.applyAsLong(none);
        long needed = (long) Math.ceil(target * full - 1e-9);
        long reachable = full - cost.applyAsLong(most);
        if (reachable < needed) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "the target removes %.1f %% but "
                    + "the grid reaches at most %.1f %% (every group at its last measured grid point); extend the grid "
                    + "or lower the target", 100 * target, 100.0 * reachable / full));
        }
        List<String> groups = new ArrayList<>(points.keySet());
        long[][] savings = new long[groups.size()][];
        for (int g = 0; g < groups.size(); g++) {
            String group = groups.get(g);
            List<Point> list = points.get(group);
            savings[g] = new long[list.size()];
            for (int k = 1; k < list.size(); k++) {
                Map<String, Integer> alone = new LinkedHashMap<>(none);
                alone.put(group, k);
                savings[g][k] = full - cost.applyAsLong(alone);
            }
        }
        // First a plan whose exact reduction lies within [target, target + 3 points]: additive savings
        // overestimate joint ones, so the approximation may range above that window; then anything above,
        // moved into the window by one group's change where one does it (counted exactly)
        long window = (long) Math.floor(WINDOW * full);
        long[] bounds = {needed + window, needed + 2 * window, needed + 3 * window, needed + 5 * window,
            needed + 9 * window, Long.MAX_VALUE};
        for (long bound : bounds) {
            long upper = bound == Long.MAX_VALUE ? Long.MAX_VALUE : needed + window;
            long aim = needed;
            for (int repair = 0; repair <= MAX_REPAIRS; repair++) {
                int[] choice = solve(groups, points, savings, aim, bound);
                if (choice == null) {
                    break;
                }
                Map<String, Integer> plan = new LinkedHashMap<>();
                for (int g = 0; g < groups.size(); g++) {
                    plan.put(groups.get(g), choice[g]);
                }
                long exact = full - cost.applyAsLong(plan);
                if (exact >= needed && exact <= upper) {
                    return upper == Long.MAX_VALUE ? intoWindow(plan, points, cost, full, needed, needed + window)
                            : plan;
                }
                if (exact > upper) {
                    break; // above the window: a wider approximation will not bring it down
                }
                aim += needed - exact;
            }
        }
        // The approximation overshot every repair (strongly coupled savings): the most pruned measured plan,
        // which reaches the target (checked above), rather than none
        return most;
    }

    /**
     * {@code plan}, or where changing one group's point brings its exact reduction into [{@code low},
     * {@code high}], the change of least predicted loss that does.
     */
    private static Map<String, Integer> intoWindow(Map<String, Integer> plan, Map<String, List<Point>> points,
                                                   ToLongFunction<Map<String, Integer>> cost, long full, long low,
                                                   long high) {
        Map<String, Integer> best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        double base = plan.entrySet().stream().mapToDouble(e -> points.get(e.getKey()).get(e.getValue()).drop()).sum();
        for (Map.Entry<String, List<Point>> group : points.entrySet()) {
            for (int k = 0; k < group.getValue().size(); k++) {
                Map<String, Integer> changed = new LinkedHashMap<>(plan);
                changed.put(group.getKey(), k);
                double loss = base - group.getValue().get(plan.get(group.getKey())).drop() + group.getValue().get(k).drop();
                long exact = full - cost.applyAsLong(changed);
                if (exact >= low && exact <= high && loss < bestLoss) {
                    best = changed;
                    bestLoss = loss;
                }
            }
        }
        return best != null ? best : plan;
    }

    /**
     * One point index for every group (all groups must have the same number of points): the smallest whose
     * exactly counted reduction reaches {@code target} (the thesis's single global threshold).
     *
     * @throws IllegalArgumentException when even the last point does not reach it, naming what it reaches
     */
    static Map<String, Integer> global(Map<String, List<Point>> points, ToLongFunction<Map<String, Integer>> cost,
                                       double target) {
        if (points.isEmpty() || points.values().stream().map(List::size).distinct().count() != 1) {
            throw new IllegalArgumentException("one grid point for every group needs groups with the same grid");
        }
        int count = points.values().iterator().next().size();
        long full = cost.applyAsLong(uniform(points, 0));
        long needed = (long) Math.ceil(target * full - 1e-9);
        for (int k = 0; k < count; k++) {
            if (full - cost.applyAsLong(uniform(points, k)) >= needed) {
                return uniform(points, k);
            }
        }
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "the target removes %.1f %% but one "
                + "threshold for every group reaches at most %.1f %% (the last grid point); extend the grid or lower "
                + "the target", 100 * target, 100.0 * (full - cost.applyAsLong(uniform(points, count - 1))) / full));
    }

    private static Map<String, Integer> uniform(Map<String, List<Point>> points, int k) {
        Map<String, Integer> plan = new LinkedHashMap<>();
        points.keySet().forEach(group -> plan.put(group, k));
        return plan;
    }

    /**
     * Least total drop with additive savings in [{@code aim}, {@code upper}] (no upper bound when
     * {@code upper} is {@code Long.MAX_VALUE}); ties: the smallest saving. Null when there is none.
     */
    private static int[] solve(List<String> groups, Map<String, List<Point>> points, long[][] savings, long aim,
                               long upper) {
        boolean bounded = upper != Long.MAX_VALUE;
        long unit = Math.max(1, (bounded ? upper : aim) / STEPS); // memory and time: STEPS buckets, whatever the target
        int lowest = (int) ((aim + unit - 1) / unit); // every saving in this bucket or above is at least aim
        int cap = bounded ? (int) (upper / unit) : lowest;
        if (cap < lowest) {
            return null;
        }
        // loss[b], saved[b]: least drop (then least exact saving) of the groups so far in bucket b, where
        // b = saving / unit (capped at the top bucket when unbounded; savings above upper dropped when bounded)
        double[] loss = new double[cap + 1];
        long[] saved = new long[cap + 1];
        java.util.Arrays.fill(loss, Double.POSITIVE_INFINITY);
        loss[0] = 0;
        int[][] pick = new int[groups.size()][cap + 1];
        int[][] from = new int[groups.size()][cap + 1];
        for (int g = 0; g < groups.size(); g++) {
            List<Point> list = points.get(groups.get(g));
            double[] nextLoss = new double[cap + 1];
            long[] nextSaved = new long[cap + 1];
            java.util.Arrays.fill(nextLoss, Double.POSITIVE_INFINITY);
            for (int b = 0; b <= cap; b++) {
                if (loss[b] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                for (int k = 0; k < list.size(); k++) {
                    long total = saved[b] + savings[g][k];
                    if (bounded && total > upper) {
                        continue;
                    }
                    int nb = (int) Math.min(cap, total / unit);
                    double l = loss[b] + Math.max(0, list.get(k).drop());
                    if (l < nextLoss[nb] - 1e-12 || (Math.abs(l - nextLoss[nb]) <= 1e-12 && total < nextSaved[nb])) {
                        nextLoss[nb] = l;
                        nextSaved[nb] = total;
                        pick[g][nb] = k;
                        from[g][nb] = b;
                    }
                }
            }
            loss = nextLoss;
            saved = nextSaved;
        }
        int best = -1;
        for (int b = Math.max(0, lowest - 1); b <= cap; b++) { // the bucket below may hold savings just above aim
            if (loss[b] != Double.POSITIVE_INFINITY && saved[b] >= aim
                    && (best < 0 || loss[b] < loss[best] - 1e-12)) {
                best = b;
            }
        }
        if (best < 0) {
            return null;
        }
        int[] choice = new int[groups.size()];
        for (int g = groups.size() - 1, b = best; g >= 0; g--) {
            choice[g] = pick[g][b];
            b = from[g][b];
        }
        return choice;
    }
}
