package dev.diversify.prune;

/**
 * One removed filter, in removal order: the filter's index, and the edge that removed it (its
 * partner and their cosine distance); a dead filter has no partner ({@link #NO_PARTNER}, distance NaN).
 */
public record Removal(int index, int partner, double distance) {
    public static final int NO_PARTNER = -1;

    public static Removal dead(int index) {
        return new Removal(index, NO_PARTNER, Double.NaN);
    }

    public boolean isDead() {
        return partner == NO_PARTNER;
    }
}
