package dev.diversify.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ComparisonCriteriaTest {

    @Test
    void l1KeepsTheLargestNormsWithTiesToTheLowerIndex() {
        FilterBank filters = FilterBank.of(new double[][] {{1, -1}, {3, 0}, {0, -2}, {0.5, 0.5}, {-1, 2}, {2, 0}});
        // L1 norms: 2, 3, 2, 1, 3, 2
        assertArrayEquals(new int[] {1, 4}, L1Norm.select(filters, 2).kept());
        assertArrayEquals(new int[] {0, 1, 4}, L1Norm.select(filters, 3).kept(), "of the norm-2 ties, index 0");
        assertArrayEquals(new int[] {0, 1, 2, 4, 5}, L1Norm.select(filters, 5).kept());
        assertEquals(4, L1Norm.select(filters, 2).removals().size());
    }

    @Test
    void randomIsSeededAndKeepsExactlyTheBudget() {
        Selection a = RandomChoice.select(100, 30, 7);
        assertEquals(30, a.keptCount());
        assertEquals(30, Arrays.stream(a.kept()).distinct().count());
        assertArrayEquals(a.kept(), RandomChoice.select(100, 30, 7).kept());
        assertNotEquals(Arrays.toString(a.kept()), Arrays.toString(RandomChoice.select(100, 30, 8).kept()));
    }

    @Test
    void budgetsOutsideTheLayerAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RandomChoice.select(10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> L1Norm.select(FilterBank.of(new double[][] {{1}}), 2));
        assertEquals(Criteria.L1, Criteria.fromId("L1"));
    }
}
