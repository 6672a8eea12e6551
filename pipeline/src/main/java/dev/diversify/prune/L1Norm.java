package dev.diversify.prune;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The L1-norm criterion of "Pruning Filters for Efficient ConvNets" (Li et al. 2017): keep the
 * {@code keep} filters of largest L1 norm (sum of absolute weights); ties go to the lower index.
 */
public final class L1Norm {
    private L1Norm() {
    }

    public static Selection select(FilterBank filters, int keep) {
        int n = filters.count();
        Criteria.checkKeep(keep, n);
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
