package dev.diversify.prune;

import java.util.Arrays;
import java.util.Random;

/**
 * The random criterion: the kept filters are drawn uniformly without replacement (a partial
 * Fisher-Yates shuffle of {@code java.util.Random(seed)}); the weights are not looked at.
 *
 * @param seed the seed of the draw; {@link #forGroup} offsets it by the group's position
 */
public record RandomChoice(long seed) implements Criterion {

    /** {@code "random"}, the id of {@link Criteria#RANDOM}. */
    @Override
    public String id() {
        return Criteria.RANDOM.id();
    }

    /** The random criterion seeded with {@code seed + position}. */
    @Override
    public Criterion forGroup(int position) {
        return new RandomChoice(seed + position);
    }

    /**
     * Keeps {@link Budget.Keep#count()} filters drawn at random from {@code java.util.Random(seed)}; the
     * same seed, N and count give the same filters.
     *
     * @param filters the layer's N filters (only N is used)
     * @param budget  a {@link Budget.Keep}
     * @return the kept indices (sorted ascending) and the removed ones in index order, without partners
     * @throws IllegalArgumentException for a threshold budget, or a count outside 1..N
     */
    @Override
    public Selection select(FilterBank filters, Budget budget) {
        int n = filters.count();
        int keep = Budget.keepCount(id(), budget, n);
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Random random = new Random(seed);
        for (int i = 0; i < keep; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return Selection.keeping(n, Arrays.copyOf(order, keep));
    }
}
