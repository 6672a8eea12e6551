package dev.diversify.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.experiment.Allocation.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/** The target allocator against brute force over every combination. */
class AllocationTest {

    /** A chain of convolutions: group g keeps kept[g][k] filters; weights cost in x out, so savings interact. */
    private static ToLongFunction<Map<String, Integer>> chain(List<String> groups, int[][] kept, int input) {
        return plan -> {
            long cost = 0;
            long in = input;
            for (int g = 0; g < groups.size(); g++) {
                long out = kept[g][plan.get(groups.get(g))];
                cost += 9 * in * out;
                in = out;
            }
            return cost + in * 10; // a classifier
        };
    }

    /** Each group's own parameters only: savings add up exactly. */
    private static ToLongFunction<Map<String, Integer>> additive(List<String> groups, int[][] kept) {
        return plan -> {
            long cost = 0;
            for (int g = 0; g < groups.size(); g++) {
                cost += 100L * kept[g][plan.get(groups.get(g))];
            }
            return cost;
        };
    }

    private record Best(double loss, long reduction) {
    }

    /**
     * The least predicted loss of all combinations whose exact reduction lies in [target, target + 3 points],
     * or where none does, reaches the target: the allocator's definition of optimal.
     */
    private static Best bruteForce(Map<String, List<Point>> points, ToLongFunction<Map<String, Integer>> cost,
                                   double target) {
        Best inWindow = bruteForce(points, cost, target, target + Allocation.WINDOW);
        return inWindow != null ? inWindow : bruteForce(points, cost, target, 1);
    }

    private static Best bruteForce(Map<String, List<Point>> points, ToLongFunction<Map<String, Integer>> cost,
                                   double target, double upper) {
        List<String> groups = new ArrayList<>(points.keySet());
        Map<String, Integer> none = new LinkedHashMap<>();
        groups.forEach(g -> none.put(g, 0));
        long full = cost.applyAsLong(none);
        int[] index = new int[groups.size()];
        Best best = null;
        while (true) {
            Map<String, Integer> plan = new LinkedHashMap<>();
            double loss = 0;
            for (int g = 0; g < groups.size(); g++) {
                plan.put(groups.get(g), index[g]);
                loss += points.get(groups.get(g)).get(index[g]).drop();
            }
            long reduction = full - cost.applyAsLong(plan);
            if (reduction >= Math.ceil(target * full - 1e-9) && reduction <= needed(target, full) + Math.floor(
                    (upper - target) * full) && (best == null || loss < best.loss - 1e-12)) {
                best = new Best(loss, reduction);
            }
            int g = 0;
            while (g < groups.size() && ++index[g] == points.get(groups.get(g)).size()) {
                index[g++] = 0;
            }
            if (g == groups.size()) {
                return best;
            }
        }
    }

    private static long needed(double target, long full) {
        return (long) Math.ceil(target * full - 1e-9);
    }

    private static double loss(Map<String, List<Point>> points, Map<String, Integer> plan) {
        return plan.entrySet().stream().mapToDouble(e -> points.get(e.getKey()).get(e.getValue()).drop()).sum();
    }

    /** Random small tables: groups of 4 points with growing pruning and non-monotone drops. */
    private static Map<String, List<Point>> table(Random random, List<String> groups) {
        Map<String, List<Point>> points = new LinkedHashMap<>();
        for (String group : groups) {
            List<Point> list = new ArrayList<>(List.of(new Point(0)));
            for (int k = 1; k < 4; k++) {
                list.add(new Point(random.nextDouble() < 0.2 ? 0 : random.nextDouble() * 0.05 * k));
            }
            points.put(group, list);
        }
        return points;
    }

    @Test
    void additiveSavingsGiveTheBruteForceOptimum() {
        Random random = new Random(1);
        List<String> groups = List.of("a", "b", "c", "d");
        int[][] kept = {{16, 12, 8, 4}, {32, 24, 16, 8}, {8, 6, 4, 2}, {64, 40, 20, 10}};
        for (int trial = 0; trial < 200; trial++) {
            Map<String, List<Point>> points = table(random, groups);
            double target = 0.1 + 0.6 * random.nextDouble();
            ToLongFunction<Map<String, Integer>> cost = additive(groups, kept);
            Best best = bruteForce(points, cost, target);
            Map<String, Integer> plan = Allocation.toTarget(points, cost, target);
            long full = cost.applyAsLong(Map.of("a", 0, "b", 0, "c", 0, "d", 0));
            long reduction = full - cost.applyAsLong(plan);
            assertTrue(reduction >= Math.ceil(target * full - 1e-9), "target reached, trial " + trial);
            assertEquals(best.loss(), loss(points, plan), 1e-12, "optimal predicted loss, trial " + trial);
        }
    }

    @Test
    void interactingSavingsAreRecountedAndRepairedToReachTheTarget() {
        Random random = new Random(2);
        List<String> groups = List.of("conv1", "conv2", "conv3");
        int[][] kept = {{16, 12, 8, 4}, {32, 24, 12, 6}, {64, 48, 24, 8}};
        int worse = 0;
        int missedWindow = 0;
        for (int trial = 0; trial < 200; trial++) {
            Map<String, List<Point>> points = table(random, groups);
            ToLongFunction<Map<String, Integer>> cost = chain(groups, kept, 3);
            double target = 0.2 + 0.6 * random.nextDouble();
            Map<String, Integer> plan = Allocation.toTarget(points, cost, target);
            long full = cost.applyAsLong(Map.of("conv1", 0, "conv2", 0, "conv3", 0));
            long reduction = full - cost.applyAsLong(plan);
            assertTrue(reduction >= needed(target, full), "the exact count reaches the target, trial " + trial);
            Best inWindow = bruteForce(points, cost, target, target + Allocation.WINDOW);
            boolean landed = reduction <= needed(target, full) + Math.floor(Allocation.WINDOW * full);
            Best best = landed ? inWindow : bruteForce(points, cost, target, 1);
            double found = loss(points, plan);
            assertTrue(found >= best.loss() - 1e-12, "nothing beats brute force, trial " + trial);
            worse += found > best.loss() + 1e-12 ? 1 : 0;
            missedWindow += !landed && inWindow != null ? 1 : 0;
        }
        // The additive approximation overestimates joint savings: repairs keep every plan exact and above the
        // target, but on this strongly coupled chain of three coarse groups (measured: 24 plans above the
        // optimum, 32 outside a window that had a plan, of 200) it is not always optimal: a regression bound
        assertTrue(worse + missedWindow <= 60, worse + " plans above the optimum and " + missedWindow
                + " outside a window that had a plan, of 200");
    }

    @Test
    void equalLossesLandJustAboveTheTarget() {
        List<String> groups = List.of("a", "b");
        int[][] kept = {{100, 90, 80, 70, 60, 50}, {100, 90, 80, 70, 60, 50}};
        Map<String, List<Point>> free = new LinkedHashMap<>();
        groups.forEach(g -> free.put(g, List.of(new Point(0), new Point(0), new Point(0), new Point(0), new Point(0),
                new Point(0))));
        ToLongFunction<Map<String, Integer>> cost = additive(groups, kept);
        Map<String, Integer> plan = Allocation.toTarget(free, cost, 0.3);
        assertEquals(0.3, 1 - cost.applyAsLong(plan) / 20000.0, 1e-12, "not the 50 % that is equally free");
    }

    @Test
    void aReductionLandsWithinThreePointsOfTheTargetWhereTheGridHasSuchAPlan() {
        List<String> groups = List.of("a", "b");
        int[][] kept = {{100, 50, 40}, {100, 95, 90}};
        Map<String, List<Point>> points = new LinkedHashMap<>();
        points.put("a", List.of(new Point(0), new Point(0.01), new Point(0.02))); // saves 25 % or 30 %
        points.put("b", List.of(new Point(0), new Point(0.03), new Point(0.04))); // saves 2.5 % or 5 %
        ToLongFunction<Map<String, Integer>> cost = additive(groups, kept);
        // 26 %: a alone at 30 % (loss 0.02) is cheaper but 4 points above; a at 25 % + b at 2.5 % lands at 27.5 %
        Map<String, Integer> plan = Allocation.toTarget(points, cost, 0.26);
        assertEquals(Map.of("a", 1, "b", 1), plan);
        // 29 %: nothing in [29, 32] but a at 30 %
        assertEquals(Map.of("a", 2, "b", 0), Allocation.toTarget(points, cost, 0.29));
    }

    @Test
    void aTargetTheGridCannotReachFailsNamingTheLargestReachableReduction() {
        List<String> groups = List.of("a", "b");
        int[][] kept = {{10, 5}, {10, 5}};
        Map<String, List<Point>> points = new LinkedHashMap<>();
        groups.forEach(g -> points.put(g, List.of(new Point(0), new Point(0.01))));
        var error = assertThrows(IllegalArgumentException.class,
                () -> Allocation.toTarget(points, additive(groups, kept), 0.6));
        assertTrue(error.getMessage().contains("removes 60.0 % but the grid reaches at most 50.0 %"), error.getMessage());
        // unmeasured points (infinite drops) are never taken, not even to reach a target
        Map<String, List<Point>> unmeasured = new LinkedHashMap<>();
        groups.forEach(g -> unmeasured.put(g, List.of(new Point(0), new Point(Double.POSITIVE_INFINITY))));
        var none = assertThrows(IllegalArgumentException.class,
                () -> Allocation.toTarget(unmeasured, additive(groups, kept), 0.2));
        assertTrue(none.getMessage().contains("reaches at most 0.0 %"), none.getMessage());
    }
}
