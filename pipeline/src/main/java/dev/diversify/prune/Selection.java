package dev.diversify.prune;

import java.util.Arrays;
import java.util.List;

/**
 * Which filters of a layer stay: the sorted kept indices, and the removed ones in removal order
 * (with the reason each went, where the criterion has one); ALGORITHM.md, "Per layer: which filters
 * go", step 6.
 *
 * @param total    N, the layer's filter count
 * @param kept     the kept filter indices in [0, N), sorted ascending (copied in and out)
 * @param removals the removed filters in removal order, each with the edge that removed it; criteria
 *     without one (L1, random) give every removal {@link Removal#NO_PARTNER} and distance NaN
 */
public record Selection(int total, int[] kept, List<Removal> removals) {

    /**
     * Copies {@code kept} and {@code removals}; does not sort or check the indices.
     *
     * @throws IllegalArgumentException when kept and removed filters do not add up to {@code total}
     */
    public Selection {
        kept = kept.clone();
        removals = List.copyOf(removals);
        if (kept.length + removals.size() != total) {
            throw new IllegalArgumentException(kept.length + " kept and " + removals.size()
                    + " removed filters do not add up to " + total);
        }
    }

    /** A selection that keeps {@code kept} (any order) of {@code total} filters and gives no reasons. */
    static Selection keeping(int total, int[] kept) {
        int[] sorted = kept.clone();
        Arrays.sort(sorted);
        boolean[] keep = new boolean[total];
        for (int i : sorted) {
            keep[i] = true;
        }
        List<Removal> removed = new java.util.ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (!keep[i]) {
                removed.add(new Removal(i, Removal.NO_PARTNER, Double.NaN));
            }
        }
        return new Selection(total, sorted, removed);
    }

    /**
     * The selection made by only the first {@code count} removals of this one (in removal order): for a
     * selection of the rule at tau = 2, the selection that removes {@code count} filters (ALGORITHM.md,
     * "The removal order, and grids by fraction").
     *
     * @throws IllegalArgumentException unless {@code 0 <= count <= removals().size()}
     */
    public Selection keepingFirstRemovals(int count) {
        if (count < 0 || count > removals.size()) {
            throw new IllegalArgumentException("cannot keep the first " + count + " of " + removals.size() + " removals");
        }
        boolean[] removed = new boolean[total];
        for (int r = 0; r < count; r++) {
            removed[removals.get(r).index()] = true;
        }
        int[] keptNow = java.util.stream.IntStream.range(0, total).filter(i -> !removed[i]).toArray();
        return new Selection(total, keptNow, removals.subList(0, count));
    }

    /**
     * The threshold equivalent to the first {@code count} removals: the cosine distance of the last of them
     * that had a partner (0 when they are all dead filters, or none).
     */
    public double thresholdOfFirstRemovals(int count) {
        double tau = 0;
        for (Removal removal : removals.subList(0, count)) {
            if (!removal.isDead()) {
                tau = Math.max(tau, removal.distance());
            }
        }
        return tau;
    }

    /** The kept filter indices, sorted ascending (a copy). */
    @Override
    public int[] kept() {
        return kept.clone();
    }

    /** The number of kept filters. */
    public int keptCount() {
        return kept.length;
    }

    /** Equal when total, kept indices (by content) and removals are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Selection s && total == s.total && Arrays.equals(kept, s.kept) && removals.equals(s.removals);
    }

    /** A hash of the kept indices (by content) and the removals. */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(kept) + removals.hashCode();
    }

    /** {@code Selection[k of N kept: [indices]]}. */
    @Override
    public String toString() {
        return "Selection[" + kept.length + " of " + total + " kept: " + Arrays.toString(kept) + "]";
    }
}
