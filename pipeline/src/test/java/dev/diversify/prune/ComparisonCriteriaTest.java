package dev.diversify.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ComparisonCriteriaTest {

    /** {@code n} filters; random never looks at the weights. */
    private static FilterBank filters(int n) {
        return FilterBank.of(new double[n][1]);
    }

    @Test
    void l1KeepsTheLargestNormsWithTiesToTheLowerIndex() {
        FilterBank filters = FilterBank.of(new double[][] {{1, -1}, {3, 0}, {0, -2}, {0.5, 0.5}, {-1, 2}, {2, 0}});
        // L1 norms: 2, 3, 2, 1, 3, 2
        assertArrayEquals(new int[] {1, 4}, new L1Norm().select(filters, new Budget.Keep(2)).kept());
        assertArrayEquals(new int[] {0, 1, 4}, new L1Norm().select(filters, new Budget.Keep(3)).kept(), "of the norm-2 ties, index 0");
        assertArrayEquals(new int[] {0, 1, 2, 4, 5}, new L1Norm().select(filters, new Budget.Keep(5)).kept());
        assertEquals(4, new L1Norm().select(filters, new Budget.Keep(2)).removals().size());
    }

    @Test
    void randomIsSeededAndKeepsExactlyTheBudget() {
        Selection a = new RandomChoice(7).select(filters(100), new Budget.Keep(30));
        assertEquals(30, a.keptCount());
        assertEquals(30, Arrays.stream(a.kept()).distinct().count());
        assertArrayEquals(a.kept(), new RandomChoice(7).select(filters(100), new Budget.Keep(30)).kept());
        assertNotEquals(Arrays.toString(a.kept()), Arrays.toString(new RandomChoice(8).select(filters(100), new Budget.Keep(30)).kept()));
    }

    @Test
    void budgetsOutsideTheLayerAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RandomChoice(1).select(filters(10), new Budget.Keep(0)));
        assertThrows(IllegalArgumentException.class, () -> new L1Norm().select(FilterBank.of(new double[][] {{1}}), new Budget.Keep(2)));
        assertEquals(Criteria.L1, Criteria.fromId("L1"));
        var threshold = assertThrows(IllegalArgumentException.class,
                () -> new L1Norm().select(filters(4), new Budget.Threshold(0.5)));
        assertTrue(threshold.getMessage().contains("l1 keeps a number of filters"), threshold.getMessage());
    }

    @Test
    void everyCriterionKeepsExactlyACountBudgetAndRandomDrawsPerGroup() {
        FilterBank filters = FilterBank.of(new double[][] {{1, 0}, {1, 0.01}, {0, 1}, {0.02, 1}, {-1, 0}});
        for (Criteria id : Criteria.values()) {
            Selection s = id.create(3).select(filters, new Budget.Keep(3));
            assertEquals(3, s.keptCount(), id.id());
            assertEquals(id.id(), id.create(3).id());
        }
        // the diversifying rule's count budget: its removal order, near-duplicates first
        assertArrayEquals(new int[] {0, 2, 4}, new DiversifyingRule().select(filters, new Budget.Keep(3)).kept());
        assertEquals(new RandomChoice(8), new RandomChoice(7).forGroup(1), "group g of a plan draws from seed + g");
        assertEquals(new L1Norm().id(), new L1Norm().forGroup(5).id());
    }
}
