package dev.diversify.prune;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The L1-norm criterion of "Pruning Filters for Efficient ConvNets" (Li et al., ICLR 2017): keep the
 * filters of largest L1 norm (sum of absolute weights); ties go to the lower index.
 */
public final class L1Norm implements Criterion {

    /** {@code "l1"}, the id of {@link Criteria#L1}. */
    @Override
    public String id() {
        return Criteria.L1.id();
    }

    /**
     * Keeps the {@link Budget.Keep#count()} filters of largest L1 norm (Li et al., ICLR 2017, "Pruning
     * Filters for Efficient ConvNets"); among equal norms, the lower index stays.
     *
     * @param filters the layer's N filters, an N x D matrix (for a group: members concatenated)
     * @param budget  a {@link Budget.Keep}
     * @return the kept indices (sorted ascending) and the removed ones in index order, without partners
     * @throws IllegalArgumentException for a threshold budget, or a count outside 1..N
     */
    @Override
    public Selection select(FilterBank filters, Budget budget) {
        int n = filters.count();
        int keep = Budget.keepCount(id(), budget, n);
        double[] norms = filters.l1Norms();
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -norms[i]).thenComparingInt(i -> i));
        int[] kept = new int[keep];
        for (int k = 0; k < keep; k++) {
            kept[k] = order[k];
        }
        return Selection.keeping(n, kept);
    }
}
