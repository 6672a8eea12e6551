package dev.diversify.experiment;

import dev.diversify.experiment.StageResults.GroupGrid;
import dev.diversify.experiment.StageResults.SweepCell;
import dev.diversify.graph.PruningGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
     * Each group's threshold: the largest tau of its cells whose validation-accuracy drop from
     * {@code baselineValidation} is at most {@code maxDrop} (a fraction). The curve need not be
     * monotone: a larger tau within the budget wins even when a smaller one exceeded it. Groups with
     * no tau within the budget are absent. Groups in order of first appearance.
     */
    static Map<String, Double> chooseThresholds(List<SweepCell> cells, double baselineValidation, double maxDrop) {
        Map<String, Double> chosen = new LinkedHashMap<>();
        for (SweepCell cell : cells) {
            if (baselineValidation - cell.validationAccuracy() <= maxDrop + DROP_SLACK) {
                chosen.merge(cell.group(), cell.tau(), Math::max);
            }
        }
        return chosen;
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
