package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitPlanTest {
    private static int[] labels(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7) % classes;
        }
        return labels;
    }

    @Test
    void carvesADisjointValidationSplitAndStratifiedSubsets() {
        int[] train = labels(1000, 10);
        int[] test = labels(300, 10);
        SplitPlan.Selection s = new SplitPlan(100, 20, 5, 9).select(train, test, 10);
        assertEquals(100, s.validation().length);
        assertEquals(200, s.train().length);
        assertEquals(50, s.test().length);
        Set<Integer> validation = new HashSet<>();
        Arrays.stream(s.validation()).forEach(validation::add);
        assertTrue(Arrays.stream(s.train()).noneMatch(validation::contains), "validation is carved out of training");
        long[] perClass = LabeledImages.histogram(Arrays.stream(s.train()).map(i -> train[i]).toArray(), 10);
        assertArrayEquals(new long[] {20, 20, 20, 20, 20, 20, 20, 20, 20, 20}, perClass);
        long[] testPerClass = LabeledImages.histogram(Arrays.stream(s.test()).map(i -> test[i]).toArray(), 10);
        assertArrayEquals(new long[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, testPerClass);
        for (int[] part : new int[][] {s.train(), s.validation(), s.test()}) {
            int[] sorted = part.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, part, "indices are sorted for range reads");
            assertEquals(part.length, Arrays.stream(part).distinct().count());
        }
    }

    @Test
    void isReproducibleBySeed() {
        int[] train = labels(500, 10);
        int[] test = labels(100, 10);
        SplitPlan.Selection a = new SplitPlan(50, 10, 0, 1).select(train, test, 10);
        SplitPlan.Selection b = new SplitPlan(50, 10, 0, 1).select(train, test, 10);
        SplitPlan.Selection c = new SplitPlan(50, 10, 0, 2).select(train, test, 10);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.validation(), b.validation());
        assertFalse(Arrays.equals(a.validation(), c.validation()));
        assertEquals(100, a.test().length, "0 per class keeps the whole test split");
    }

    @Test
    void refusesImpossibleRequests() {
        int[] train = labels(100, 10);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new SplitPlan(0, 11, 0, 1).select(train, train, 10)).getMessage()
                .contains("has only 10 training images, fewer than the 11 per class"));
        assertThrows(IllegalArgumentException.class, () -> new SplitPlan(100, 0, 0, 1).select(train, train, 10));
        assertThrows(IllegalArgumentException.class, () -> new SplitPlan(-1, 0, 0, 1));
    }
}
