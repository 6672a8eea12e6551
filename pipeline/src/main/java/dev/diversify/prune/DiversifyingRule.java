package dev.diversify.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The diversifying algorithm (ALGORITHM.md, "Per layer: which filters go"): filters are nodes of a
 * graph with an edge wherever their cosine distance is at most {@code tau}; while an edge is left
 * and more than {@code minKeep} filters are kept, the closest pair loses its more redundant member
 * (larger similarity sum S; then smaller L1 norm A; then larger index). Dead filters go first.
 */
public final class DiversifyingRule {
    /** Absorbs rounding, so that tau = 0 removes exact duplicates and positive multiples. */
    public static final double TAU_SLACK = 1e-9;
    /** Similarity sums closer than this times (N - 1) count as equal. */
    public static final double S_TIE = 1e-6;

    private DiversifyingRule() {
    }

    /** The spec's default: keep at least 10 % of the filters, and at least one. */
    public static int defaultMinKeep(int n) {
        return Math.max(1, (int) Math.ceil(0.1 * n));
    }

    public static Selection select(FilterBank filters, double tau) {
        return select(filters, tau, defaultMinKeep(filters.count()));
    }

    public static Selection select(FilterBank filters, double tau, int minKeep) {
        return select(Similarity.of(filters), filters.l1Norms(), tau, minKeep);
    }

    /** The rule on a precomputed similarity matrix and L1 norms (so a sweep computes them once). */
    public static Selection select(Similarity similarity, double[] l1Norms, double tau, int minKeep) {
        int n = similarity.size();
        if (!(tau >= 0 && tau <= 2)) {
            throw new IllegalArgumentException("tau must be in [0, 2], got " + tau);
        }
        if (minKeep < 1) {
            throw new IllegalArgumentException("minKeep must be at least 1, got " + minKeep);
        }
        boolean[] removed = new boolean[n];
        List<Removal> removals = new ArrayList<>();
        int kept = n;
        for (int i = 0; i < n && kept > minKeep; i++) {
            if (similarity.isDead(i)) {
                removed[i] = true;
                removals.add(Removal.dead(i));
                kept--;
            }
        }

        double[] sums = similaritySums(similarity);
        long[] edges = edgesWithin(similarity, tau + TAU_SLACK);
        double tieS = S_TIE * (n - 1);
        for (int e = 0; e < edges.length && kept > minKeep; e++) {
            int i = (int) (edges[e] >>> 32);
            int j = (int) edges[e];
            if (removed[i] || removed[j]) {
                continue;
            }
            int loser = moreRedundant(i, j, sums, l1Norms, tieS);
            removed[loser] = true;
            removals.add(new Removal(loser, loser == i ? j : i, similarity.distance(i, j)));
            kept--;
        }

        int[] keptIndices = new int[kept];
        for (int i = 0, k = 0; i < n; i++) {
            if (!removed[i]) {
                keptIndices[k++] = i;
            }
        }
        return new Selection(n, keptIndices, removals);
    }

    /** S_i: the sum of s_ij over live j != i, for live i (NaN for dead filters, which take no part). */
    private static double[] similaritySums(Similarity similarity) {
        int n = similarity.size();
        double[] sums = new double[n];
        for (int i = 0; i < n; i++) {
            if (similarity.isDead(i)) {
                sums[i] = Double.NaN;
                continue;
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                if (j != i && !similarity.isDead(j)) {
                    s += similarity.similarity(i, j);
                }
            }
            sums[i] = s;
        }
        return sums;
    }

    /**
     * The edges (i &lt; j, both live) with d_ij &lt;= limit, in removal order: by distance, then by
     * (i, j). Each is packed as i &lt;&lt; 32 | j.
     */
    private static long[] edgesWithin(Similarity similarity, double limit) {
        int n = similarity.size();
        List<long[]> found = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (similarity.isDead(i)) {
                continue;
            }
            for (int j = i + 1; j < n; j++) {
                if (!similarity.isDead(j) && similarity.distance(i, j) <= limit) {
                    found.add(new long[] {Double.doubleToLongBits(similarity.distance(i, j)), ((long) i << 32) | j});
                }
            }
        }
        long[][] edges = found.toArray(long[][]::new);
        Arrays.sort(edges, (a, b) -> {
            int byDistance = Double.compare(Double.longBitsToDouble(a[0]), Double.longBitsToDouble(b[0]));
            return byDistance != 0 ? byDistance : Long.compare(a[1], b[1]);
        });
        return Arrays.stream(edges).mapToLong(edge -> edge[1]).toArray();
    }

    private static int moreRedundant(int i, int j, double[] sums, double[] l1Norms, double tieS) {
        if (Math.abs(sums[i] - sums[j]) > tieS) {
            return sums[i] > sums[j] ? i : j;
        }
        if (l1Norms[i] != l1Norms[j]) {
            return l1Norms[i] < l1Norms[j] ? i : j;
        }
        return Math.max(i, j);
    }
}
