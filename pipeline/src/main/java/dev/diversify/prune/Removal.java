package dev.diversify.prune;

/**
 * One removed filter, in removal order: the filter's index, and the edge that removed it (its
 * partner and their cosine distance); a dead filter has no partner ({@link #NO_PARTNER}, distance NaN).
 * ALGORITHM.md, "Per layer: which filters go", step 6.
 *
 * @param index    the removed filter's index, in [0, N)
 * @param partner  the kept end of the edge that removed it, or {@link #NO_PARTNER}
 * @param distance the edge's cosine distance d, in [0, 2]; NaN without a partner
 */
public record Removal(int index, int partner, double distance) {
    /** The partner of a removal without an edge: a dead filter, or any removal by the L1 or random criterion. */
    public static final int NO_PARTNER = -1;

    /** The removal of dead filter {@code index}: no partner, distance NaN. */
    public static Removal dead(int index) {
        return new Removal(index, NO_PARTNER, Double.NaN);
    }

    /**
     * Whether the removal has no partner. For the diversifying rule that means a dead filter; removals by
     * the L1 and random criteria have no partner either, so this is true for all of them.
     */
    public boolean isDead() {
        return partner == NO_PARTNER;
    }
}
