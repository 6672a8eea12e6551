package dev.diversify.prune;

/**
 * A filter-selection criterion: given one layer's (or coupled group's) filters and a budget, which
 * filters stay. Implementations: {@link DiversifyingRule}, {@link L1Norm}, {@link RandomChoice};
 * {@link Criteria} names them for configs and the command line.
 */
public interface Criterion {
    /** The criterion's id in configs, tables and the command line ({@code diversify}, {@code l1}, {@code random}). */
    String id();

    /**
     * The filters of one layer (or coupled group) that stay.
     *
     * @param filters the layer's N filters, an N x D matrix, each filter flattened to one row
     * @param budget  how much may go; criteria that only count filters refuse a {@link Budget.Threshold}
     * @return the kept indices (sorted ascending) and the removals (in removal order)
     * @throws IllegalArgumentException when the budget does not fit the layer (a count above N) or the
     *     criterion (a threshold for one that only counts)
     */
    Selection select(FilterBank filters, Budget budget);

    /**
     * The criterion to use for the group at {@code position} (topological order) of one plan: criteria
     * that draw random numbers return one seeded for that position, so that every group gets its own
     * stream and a plan does not depend on the order its groups are selected in. By default, this one.
     *
     * @param position the group's 0-based index in the plan's group list
     */
    default Criterion forGroup(int position) {
        return this;
    }
}
