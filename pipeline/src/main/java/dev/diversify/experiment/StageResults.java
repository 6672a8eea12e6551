package dev.diversify.experiment;

import java.util.List;
import java.util.Map;

/**
 * What each stage of an experiment records in its marker (see {@link Stages}), bound to JSON by
 * Jackson. Maps keep their order: groups and convolutions in topological order.
 */
public final class StageResults {
    private StageResults() {
    }

    /**
     * The data stage: the dataset, the split sizes (images) and the normalisation used.
     *
     * @param mean per-channel mean of pixels scaled to [0, 1]
     * @param std  per-channel standard deviation, same scale
     */
    public record Data(String dataset, String format, int classes, int train, int validation, int test,
                       List<Double> mean, List<Double> std) {
    }

    /**
     * The baseline: its training history (empty when loaded), size, output channels per convolution, and
     * top-1 accuracy (fractions) on the validation and test splits.
     */
    public record Baseline(List<Epoch> history, CostTotals cost, Map<String, Integer> channels,
                           double validationAccuracy, double accuracy) {
    }

    /** The similarity stage: each group's kept filters at every threshold of the grid, by group name. */
    public record Similarity(Map<String, GroupGrid> groups) {
    }

    /**
     * One group under the diversifying rule at every point of the grid.
     *
     * @param channels the group's output channels before pruning
     * @param taus     each grid point's threshold: the grid itself, or for a grid of fractions the distance of
     *                 the point's last removal (ALGORITHM.md, "The removal order, and grids by fraction")
     * @param kept     the kept filter indices (sorted) at each grid point
     */
    public record GroupGrid(int channels, List<Double> taus, List<List<Integer>> kept) {
    }

    /**
     * The sensitivity sweep: validation accuracy of every (group, grid point) cell with that group alone
     * pruned, and the grid point chosen per group, as an index into the group's points (groups that are not
     * pruned are absent). {@code baselineValidation} is the swept network's own validation accuracy: the
     * baseline's, or in an iterative round the current network's (drops are measured from it).
     */
    public record Sweep(double baselineValidation, List<SweepCell> cells, Map<String, Integer> chosen) {

        /** The threshold chosen for {@code group}, or null when it is not pruned. */
        public Double chosenTau(String group) {
            Integer point = chosen.get(group);
            int[] points = points(cells);
            for (int i = 0; i < cells.size(); i++) {
                if (point != null && points[i] == point && cells.get(i).group().equals(group)) {
                    return cells.get(i).tau();
                }
            }
            return null;
        }
    }

    /** Each cell's grid point: its index among its group's cells (cells are in group, then grid order). */
    static int[] points(List<SweepCell> cells) {
        Map<String, Integer> next = new java.util.HashMap<>();
        int[] points = new int[cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            points[i] = next.merge(cells.get(i).group(), 1, Integer::sum) - 1;
        }
        return points;
    }

    /** One sweep cell: a group pruned alone at grid point {@code tau}, keeping {@code kept} of {@code channels}. */
    public record SweepCell(String group, double tau, int channels, int kept, double validationAccuracy) {
    }

    /** A pruned network before retraining: size, output channels per convolution, test accuracy. */
    public record Pruned(CostTotals cost, Map<String, Integer> channels, double accuracy) {
    }

    /** A retrained network: its training history, size and test accuracy. */
    public record Retrained(List<Epoch> history, CostTotals cost, double accuracy) {
    }
}
