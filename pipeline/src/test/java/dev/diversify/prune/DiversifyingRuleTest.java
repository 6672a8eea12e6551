package dev.diversify.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The kept sets ALGORITHM.md dictates, on hand-made layers. */
class DiversifyingRuleTest {

    private static Selection select(double tau, int minKeep, double[]... filters) {
        return new DiversifyingRule(minKeep).select(FilterBank.of(filters), new Budget.Threshold(tau));
    }

    @Test
    void exactDuplicateWithEqualStatisticsLosesTheLargerIndex() {
        Selection s = select(0, 1, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {1, 0, 0},
                new double[] {0, 0, 1});
        assertArrayEquals(new int[] {0, 1, 3}, s.kept());
        assertEquals(List.of(new Removal(2, 0, 0.0)), s.removals());
    }

    @Test
    void positiveMultipleLosesTheSmallerL1NormButANegativeOneIsNoDuplicate() {
        Selection s = select(0, 1, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {3, 0, 0},
                new double[] {0, -2, 0});
        assertArrayEquals(new int[] {1, 2, 3}, s.kept(), "filter 0 is 1/3 of filter 2; filter 3 points the other way");
        assertEquals(0, s.removals().get(0).index());
        assertEquals(2, s.removals().get(0).partner());
        assertEquals(0.0, s.removals().get(0).distance(), 1e-12);
    }

    @Test
    void theEndpointMoreAlikeToTheRestGoes() {
        // Filters 0 and 1 are close; filter 1 is also closer to filter 2, so its similarity sum is larger.
        Selection s = select(0.01, 1, new double[] {1, 0}, new double[] {1, 0.01}, new double[] {1, 0.5});
        assertArrayEquals(new int[] {0, 2}, s.kept());
        assertEquals(1, s.removals().get(0).index());
        assertEquals(0, s.removals().get(0).partner());
    }

    @Test
    void similaritySumsWithinTheToleranceCountAsEqualAndL1Decides() {
        // S_1 exceeds S_0 by about 1e-7, below 1e-6 * (N - 1): a tie, so the smaller L1 norm (filter 0) goes.
        Selection s = select(0.01, 1, new double[] {1, 0, 0}, new double[] {2, 2e-4, 0}, new double[] {0, 1e-3, 1});
        assertArrayEquals(new int[] {1, 2}, s.kept());
        assertEquals(new Removal(0, 1, s.removals().get(0).distance()), s.removals().get(0));
    }

    @Test
    void closestPairGoesFirstAndRemovedNodesTakeTheirEdgesAlong() {
        double[] a = {1, 0, 0};
        double[] b = {1, 0.2, 0};     // d(a, b) ~ 0.0194
        double[] c = {1, 0.05, 0};    // d(a, c) ~ 0.0012, d(b, c) ~ 0.011
        double[] far = {0, 0, 1};
        Selection s = select(0.05, 1, a, b, c, far);
        // S (computed once, before any removal): S_0 = 1.9793, S_1 = 1.9697, S_2 = 1.9879.
        // Edge (0, 2) is the closest: S_2 > S_0, so c goes. Then edge (0, 1): S_0 > S_1, so a goes.
        assertArrayEquals(new int[] {1, 3}, s.kept());
        assertEquals(2, s.removals().get(0).index());
        assertEquals(0, s.removals().get(1).index());
        assertTrue(s.removals().get(0).distance() < s.removals().get(1).distance());
    }

    @Test
    void deadFiltersGoFirstLowestIndexFirstWithoutPartners() {
        Selection s = select(0, 1, new double[] {0, 0, 0}, new double[] {1, 2, 3}, new double[] {1e-13, 0, 0},
                new double[] {3, 2, 1});
        assertArrayEquals(new int[] {1, 3}, s.kept());
        assertEquals(List.of(Removal.dead(0), Removal.dead(2)), s.removals());
        assertTrue(s.removals().get(0).isDead());
    }

    @Test
    void minKeepStopsTheRemovals() {
        double[][] same = new double[5][];
        for (int i = 0; i < 5; i++) {
            same[i] = new double[] {1, 2, 3};
        }
        Selection s = select(0, 2, same);
        assertArrayEquals(new int[] {0, 4}, s.kept(), "ties at every level: (0,1), (0,2), (0,3) remove 1, 2, 3");
        double[][] dead = {{0, 0}, {0, 0}, {0, 0}, {1, 1}};
        assertArrayEquals(new int[] {2, 3}, select(0, 2, dead).kept(), "dead filters are only removed down to minKeep");
        assertEquals(1, DiversifyingRule.defaultMinKeep(5));
        assertEquals(52, DiversifyingRule.defaultMinKeep(512));
    }

    @Test
    void largerThresholdsPruneAtLeastAsMuch() {
        double[][] filters = new double[64][27];
        Random random = new Random(4);
        for (double[] f : filters) {
            for (int d = 0; d < f.length; d++) {
                f[d] = random.nextGaussian();
            }
        }
        int previous = 64;
        for (double tau = 0; tau <= 2; tau += 0.25) {
            int kept = select(tau, 1, filters).keptCount();
            assertTrue(kept <= previous, "tau " + tau);
            previous = kept;
        }
        assertEquals(1, select(2, 1, filters).keptCount(), "at tau = 2 every pair is an edge");
        assertEquals(64, select(0, 1, filters).keptCount());
    }

    @Test
    void similarityIsExactlySymmetricAndMatchesTheDefinition() {
        Random random = new Random(5);
        double[][] filters = new double[40][75];
        for (double[] f : filters) {
            for (int d = 0; d < f.length; d++) {
                f[d] = random.nextGaussian();
            }
        }
        Similarity s = Similarity.of(FilterBank.of(Nd4j.create(filters).castTo(DataType.FLOAT)));
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 40; j++) {
                assertEquals(s.similarity(i, j), s.similarity(j, i), 0.0);
            }
        }
        double dot = 0;
        double n3 = 0;
        double n7 = 0;
        for (int d = 0; d < 75; d++) {
            float x = (float) filters[3][d];
            float y = (float) filters[7][d];
            dot += (double) x * y;
            n3 += (double) x * x;
            n7 += (double) y * y;
        }
        assertEquals(dot / Math.sqrt(n3 * n7), s.similarity(3, 7), 1e-12, "float weights, double arithmetic");
    }

    @Test
    void refusesBadArguments() {
        FilterBank filters = FilterBank.of(new double[][] {{1, 0}, {0, 1}});
        assertThrows(IllegalArgumentException.class, () -> new DiversifyingRule(1).select(filters, new Budget.Threshold(2.5)));
        assertThrows(IllegalArgumentException.class, () -> DiversifyingRule.select(Similarity.of(filters), filters.l1Norms(), 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new DiversifyingRule(0));
        var nan = assertThrows(IllegalArgumentException.class,
                () -> FilterBank.of(new double[][] {{1, Double.NaN}, {0, 1}}));
        assertTrue(nan.getMessage().contains("NaN"));
    }
}
