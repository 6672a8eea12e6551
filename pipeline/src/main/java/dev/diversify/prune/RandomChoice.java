package dev.diversify.prune;

import java.util.Random;

/** The random criterion: {@code keep} filters drawn uniformly without replacement, from a seed. */
public final class RandomChoice {
    private RandomChoice() {
    }

    public static Selection select(int n, int keep, long seed) {
        Criteria.checkKeep(keep, n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = 0; i < keep; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return Selection.keeping(n, java.util.Arrays.copyOf(order, keep));
    }
}
