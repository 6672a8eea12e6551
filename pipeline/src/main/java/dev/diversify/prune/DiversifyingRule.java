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
public final class DiversifyingRule implements Criterion {
    /**
     * Added to tau in the edge test {@code d_ij <= tau + TAU_SLACK}: absorbs rounding, so that tau = 0
     * removes exact duplicates and positive multiples (ALGORITHM.md, "Per layer: which filters go", step 3).
     */
    public static final double TAU_SLACK = 1e-9;
    /**
     * Similarity sums S closer than {@code S_TIE * (N - 1)} (N: all filters, dead ones included) count as
     * equal, and the L1 norm decides (ALGORITHM.md, "Per layer: which filters go", step 5).
     */
    public static final double S_TIE = 1e-6;

    private final int minKeep;

    /**
     * The rule with the spec's default {@code minKeep}, {@link #defaultMinKeep}(N) for a layer of N filters
     * (ALGORITHM.md, "Per layer: which filters go"). It applies to {@link Budget.Threshold} budgets only.
     */
    public DiversifyingRule() {
        this.minKeep = 0; // resolved per layer, from its filter count
    }

    /**
     * The rule that keeps at least {@code minKeep} filters of every layer under a {@link Budget.Threshold}
     * (a layer of at most {@code minKeep} filters stays whole); a {@link Budget.Keep} sets its own count.
     *
     * @param minKeep the fewest filters kept per layer, at least 1
     * @throws IllegalArgumentException when {@code minKeep} is below 1
     */
    public DiversifyingRule(int minKeep) {
        if (minKeep < 1) {
            throw new IllegalArgumentException("minKeep must be at least 1, got " + minKeep);
        }
        this.minKeep = minKeep;
    }

    /**
     * The spec's default {@code minKeep} (ALGORITHM.md, "Per layer: which filters go"): at least 10 % of
     * the {@code n} filters, and at least one.
     *
     * @param n the layer's filter count N
     * @return {@code max(1, ceil(0.1 * n))}
     */
    public static int defaultMinKeep(int n) {
        return Math.max(1, (int) Math.ceil(0.1 * n));
    }

    /** {@code "diversify"}, the id of {@link Criteria#DIVERSIFY}. */
    @Override
    public String id() {
        return Criteria.DIVERSIFY.id();
    }

    /**
     * The diversifying rule on one layer's filters (ALGORITHM.md, "Per layer: which filters go"; for a
     * coupled group, "Coupled channels (residual additions)"). Computes the N x N cosine similarities and
     * the N L1 norms in 64-bit floats, then runs {@link #select(Similarity, double[], double, int)}. A
     * {@link Budget.Threshold} removes, closest pair first, while a pair of kept filters is within cosine
     * distance tau and more than minKeep stay (this rule's, or {@link #defaultMinKeep}(N)); a
     * {@link Budget.Keep} runs the rule at tau = 2 with minKeep = its count, so dead filters and then the
     * removal order go until exactly that many stay (ALGORITHM.md, "The removal order, and grids by fraction").
     *
     * @param filters the layer's N filters, an N x D matrix with one flattened filter per row (D = C*kH*kW,
     *     summed over a group's members)
     * @param budget  a cosine-distance threshold tau in [0, 2], or the number of filters to keep
     * @return the kept indices (sorted ascending) and the removals in removal order, each with the edge
     *     (partner index, cosine distance in [0, 2]) that removed it; dead filters have no partner and distance NaN
     * @throws IllegalArgumentException when a {@link Budget.Keep} asks for more than N filters
     */
    @Override
    public Selection select(FilterBank filters, Budget budget) {
        Similarity similarity = Similarity.of(filters);
        if (budget instanceof Budget.Threshold t) {
            return select(similarity, filters.l1Norms(), t.tau(), minKeep > 0 ? minKeep : defaultMinKeep(filters.count()));
        }
        return select(similarity, filters.l1Norms(), 2.0, ((Budget.Keep) budget).of(filters.count()));
    }

    /**
     * The rule on a precomputed similarity matrix and L1 norms, so a sweep computes them once per layer
     * (ALGORITHM.md, "Per layer: which filters go", steps 2-6). Dead filters go first, lowest index first.
     * Then the edges between live filters with {@code d_ij <= tau + }{@link #TAU_SLACK} are taken smallest
     * d first (ties: smallest (i, j), i &lt; j), skipping those with a removed end; of each, the end with the
     * larger similarity sum S goes (sums within {@link #S_TIE} x (N - 1): the smaller L1 norm; equal norms:
     * the larger index). S and the norms are computed once, before any removal. Removal, dead filters
     * included, stops as soon as only minKeep filters are kept.
     *
     * @param similarity the N x N cosine similarities of the layer's filters ({@link Similarity#of})
     * @param l1Norms    the N filters' L1 norms (A, the sum of absolute weights), indexed like the filters
     * @param tau        the cosine-distance threshold, in [0, 2]; tau = 2 gives the whole removal order
     * @param minKeep    the fewest filters kept, at least 1; a layer of at most minKeep filters stays whole
     * @return the kept indices (sorted ascending) and the removals in removal order, each with the edge
     *     (partner index, cosine distance in [0, 2]) that removed it; dead filters have no partner and distance NaN
     * @throws IllegalArgumentException for tau outside [0, 2] (or NaN), or minKeep below 1
     */
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
