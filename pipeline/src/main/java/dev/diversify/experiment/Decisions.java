package dev.diversify.experiment;

import dev.diversify.experiment.StageResults.GroupGrid;
import dev.diversify.experiment.StageResults.SweepCell;
import dev.diversify.graph.PruningGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The pure decisions of an experiment, apart from the Spark work around them so that they can be
 * tested alone: which sweep cells to measure, which threshold each group gets (ALGORITHM.md,
 * "Choosing thresholds"), and how many channels the comparison criteria keep.
 */
final class Decisions {
    /** Absorbs rounding in accuracy differences, so a drop of exactly the budget fits it. */
    static final double DROP_SLACK = 1e-12;

    private Decisions() {
    }

    /** A sweep cell to measure: group {@code group} alone pruned to {@code kept} (sorted indices). */
    record CellToMeasure(String group, List<Integer> kept) {
    }

    /**
     * The cells the sweep must measure: one per distinct (group, kept set) that removes filters, in
     * group then threshold order. Thresholds that keep the same filters share one cell, and a
     * threshold that keeps every filter needs none (its accuracy is the baseline's).
     */
    static List<CellToMeasure> cellsToMeasure(Map<String, GroupGrid> groups) {
        Map<CellToMeasure, Boolean> distinct = new LinkedHashMap<>();
        groups.forEach((group, grid) -> {
            for (List<Integer> kept : grid.kept()) {
                if (kept.size() < grid.channels()) {
                    distinct.putIfAbsent(new CellToMeasure(group, kept), true);
                }
            }
        });
        return new ArrayList<>(distinct.keySet());
    }

    /**
     * The sweep table: every (group, threshold) of the grid with its validation accuracy, taken from
     * {@code measured} for cells that remove filters and {@code baselineValidation} for the others.
     *
     * @throws IllegalStateException when a cell that removes filters was not measured
     */
    static List<SweepCell> sweepTable(Map<String, GroupGrid> groups, Map<CellToMeasure, Double> measured,
                                      double baselineValidation) {
        List<SweepCell> cells = new ArrayList<>();
        groups.forEach((group, grid) -> {
            for (int t = 0; t < grid.taus().size(); t++) {
                List<Integer> kept = grid.kept().get(t);
                double accuracy = baselineValidation;
                if (kept.size() < grid.channels()) {
                    Double value = measured.get(new CellToMeasure(group, kept));
                    if (value == null) {
                        throw new IllegalStateException("sweep cell of '" + group + "' at tau " + grid.taus().get(t)
                                + " was not measured");
                    }
                    accuracy = value;
                }
                cells.add(new SweepCell(group, grid.taus().get(t), grid.channels(), kept.size(), accuracy));
            }
        });
        return cells;
    }

    /**
     * {@link Objective#PER_GROUP_DROP}: each group's largest grid point (an index into its cells, which are
     * in grid order) whose validation-accuracy drop from {@code baselineValidation} is at most
     * {@code maxDrop} (a fraction). The curve need not be monotone: a larger point within the budget wins
     * even when a smaller one exceeded it. Groups with no point within the budget, and unmeasured (NaN)
     * cells, are never chosen. Groups in order of first appearance.
     */
    static Map<String, Integer> chooseThresholds(List<SweepCell> cells, double baselineValidation, double maxDrop) {
        Map<String, Integer> chosen = new LinkedHashMap<>();
        int[] points = StageResults.points(cells);
        for (int i = 0; i < cells.size(); i++) {
            SweepCell cell = cells.get(i);
            if (baselineValidation - cell.validationAccuracy() <= maxDrop + DROP_SLACK) {
                chosen.put(cell.group(), points[i]);
            }
        }
        return chosen;
    }

    /**
     * {@link Objective#TARGET} and {@link Objective#GLOBAL_TAU}: the grid point per group (an index into its
     * cells; groups left whole are absent) that reaches {@code target}, counted exactly by {@code cost} (the
     * cost of the network with the given groups pruned at the given points). With {@code global}, one point
     * for every group: the smallest that reaches the target. Else {@link Allocation#toTarget}: the least
     * sum of single-group drops (clipped at 0).
     *
     * @throws IllegalArgumentException when the grid cannot reach the target, naming the largest reachable reduction
     */
    static Map<String, Integer> toTarget(List<SweepCell> cells, double baselineValidation, double target,
                                         boolean global, ToLongFunction<Map<String, Integer>> cost) {
        Map<String, List<Allocation.Point>> points = new LinkedHashMap<>();
        for (SweepCell cell : cells) {
            points.computeIfAbsent(cell.group(), g -> new ArrayList<>(List.of(new Allocation.Point(0)))) // keep all
                    .add(new Allocation.Point(Double.isNaN(cell.validationAccuracy()) ? Double.POSITIVE_INFINITY
                            : Math.max(0, baselineValidation - cell.validationAccuracy())));
        }
        // Allocation's point 0 keeps every channel; grid point p is its point p + 1
        ToLongFunction<Map<String, Integer>> shifted = plan -> {
            Map<String, Integer> pruned = new LinkedHashMap<>();
            plan.forEach((group, point) -> {
                if (point > 0) {
                    pruned.put(group, point - 1);
                }
            });
            return cost.applyAsLong(pruned);
        };
        Map<String, Integer> allocated = global ? Allocation.global(points, shifted, target)
                : Allocation.toTarget(points, shifted, target);
        Map<String, Integer> chosen = new LinkedHashMap<>();
        allocated.forEach((group, point) -> {
            if (point > 0) {
                chosen.put(group, point - 1);
            }
        });
        return chosen;
    }

    /**
     * Iterative rounds (ALGORITHM.md, "Iterative rounds"): the fraction of the current network's cost (parameters
     * or MACs) that round {@code round} of {@code rounds} removes, so that the network reaches the cumulative
     * target {@code 1 - (1 - target)^(round / rounds)} of the baseline's cost: each round removes the same share
     * of what is left. The last round's cumulative target is {@code target} itself; with one round and an
     * unpruned network the answer is {@code target}.
     *
     * @param target       the fraction of the baseline's cost to remove in the end, in (0, 1)
     * @param baselineCost the unpruned network's cost
     * @param currentCost  the cost of the network this round prunes
     * @return the fraction of {@code currentCost} to remove: 0 or less when the current network already reaches
     *     this round's cumulative target (a previous round overshot)
     */
    static double roundTarget(double target, int round, int rounds, long baselineCost, long currentCost) {
        if (round < 1 || round > rounds) {
            throw new IllegalArgumentException("round " + round + " of " + rounds);
        }
        double cumulative = round == rounds ? target : 1 - Math.pow(1 - target, (double) round / rounds);
        return currentCost == baselineCost ? cumulative : 1 - (1 - cumulative) * baselineCost / currentCost;
    }

    /**
     * How many channels each group keeps under the comparison criteria: as many as the diversified
     * network has in the group's first convolution ({@code channelsAfter}, by convolution name), for
     * the groups it pruned; groups it left whole are absent.
     *
     * @throws IllegalArgumentException when a group's convolution is missing from {@code channelsAfter}
     */
    static Map<String, Integer> sameBudget(List<PruningGroup> groups, Map<String, Integer> channelsAfter) {
        Map<String, Integer> budget = new LinkedHashMap<>();
        for (PruningGroup group : groups) {
            Integer kept = channelsAfter.get(group.name());
            if (kept == null) {
                throw new IllegalArgumentException("the pruned network has no convolution '" + group.name() + "'");
            }
            if (kept < group.channels()) {
                budget.put(group.name(), kept);
            }
        }
        return budget;
    }
}
