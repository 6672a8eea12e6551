package dev.diversify.prune;

/**
 * How much of one layer (or coupled group) a {@link Criterion} may remove: a cosine-distance
 * threshold (the diversifying rule's own budget) or a number of filters to keep (any criterion;
 * for the diversifying rule, the first removals of its removal order, ALGORITHM.md "The removal
 * order, and grids by fraction").
 */
public sealed interface Budget {

    /**
     * The number of filters to keep out of {@code n}, for a criterion ({@code criterionId}) that only
     * counts filters.
     *
     * @param criterionId the asking criterion's id, for the message
     * @param budget      the budget; must be a {@link Keep}
     * @param n           the layer's filter count N
     * @return the {@link Keep} count, in 1..n
     * @throws IllegalArgumentException for a threshold budget, or a count above {@code n}
     */
    static int keepCount(String criterionId, Budget budget, int n) {
        if (!(budget instanceof Keep keep)) {
            throw new IllegalArgumentException(criterionId + " keeps a number of filters: give it a count, "
                    + "not a threshold");
        }
        return keep.of(n);
    }

    /**
     * Remove filters while a pair of kept filters is within cosine distance {@code tau} (ALGORITHM.md,
     * "Per layer: which filters go"); only the diversifying rule accepts it.
     *
     * @param tau the cosine-distance threshold, in [0, 2]
     */
    record Threshold(double tau) implements Budget {
        /**
         * The threshold {@code tau}.
         *
         * @throws IllegalArgumentException when tau is outside [0, 2] or NaN
         */
        public Threshold {
            if (!(tau >= 0 && tau <= 2)) {
                throw new IllegalArgumentException("tau must be in [0, 2], got " + tau);
            }
        }
    }

    /**
     * Keep exactly {@code count} filters.
     *
     * @param count filters kept, at least 1 and at most the layer's N
     */
    record Keep(int count) implements Budget {
        /**
         * The count {@code count}; whether it fits a layer is checked when the budget is used.
         *
         * @throws IllegalArgumentException when count is below 1
         */
        public Keep {
            if (count < 1) {
                throw new IllegalArgumentException("cannot keep " + count + " filters: keep at least 1");
            }
        }

        /**
         * The count, checked against a layer of {@code n} filters.
         *
         * @throws IllegalArgumentException when {@code count > n}
         */
        int of(int n) {
            if (count > n) {
                throw new IllegalArgumentException("cannot keep " + count + " of " + n + " filters: keep 1.." + n);
            }
            return count;
        }
    }
}
