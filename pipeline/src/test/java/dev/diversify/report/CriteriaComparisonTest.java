package dev.diversify.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.report.CriteriaComparison.Arm;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriteriaComparisonTest {
    private static final List<Arm> ARMS = List.of(
            new Arm("p50", "vgg16", "fmnist", "diversify", 0.9300, 0.9290, 50.1, 20.0),
            new Arm("p50", "vgg16", "fmnist", "L1", 0.9300, 0.9260, 50.1, 20.0),
            new Arm("p70", "vgg16", "fmnist", "diversify", 0.9300, 0.9270, 70.2, 35.0), // exactly 0.3 points below: no loss
            new Arm("p70", "vgg16", "fmnist", "L1", 0.9300, 0.9280, 70.2, 35.0),
            new Arm("p90", "vgg16", "fmnist", "diversify", 0.9300, 0.9200, 90.0, 60.0), // exactly one point below
            new Arm("p90", "vgg16", "fmnist", "L1", 0.9300, 0.9199, 90.0, 60.0),
            new Arm("r50", "resnet56", "fmnist", "diversify", 0.9100, 0.8900, 50.0, 40.0)); // two points below

    @Test
    void theMostParametersRemovedAreWithinEachToleranceBoundariesIncluded() {
        List<CriteriaComparison.Best> table = CriteriaComparison.mostRemoved(ARMS);
        assertEquals(6, table.size(), "three model-method pairs, two tolerances each");
        assertEquals("p70", table.get(0).arm().orElseThrow().experiment(), "diversify, no loss");
        assertEquals("p90", table.get(1).arm().orElseThrow().experiment(), "diversify, one point");
        assertEquals("p70", table.get(2).arm().orElseThrow().experiment(), "L1, no loss");
        assertEquals("p70", table.get(3).arm().orElseThrow().experiment(), "L1, one point: p90 is 1.01 below");
        assertEquals("resnet56", table.get(4).model());
        assertTrue(table.get(4).arm().isEmpty() && table.get(5).arm().isEmpty(), "no ResNet56 arm within a point");
    }

    @Test
    void pairsTheRuleWithACriterionOverTheExperimentsThatHaveBoth() {
        CriteriaComparison.Paired paired = CriteriaComparison.paired(ARMS, "diversify", "L1");
        assertEquals(List.of("p50", "p70", "p90"), List.copyOf(paired.differences().keySet()));
        assertEquals(0.30, paired.differences().get("p50"), 1e-9);
        assertEquals(-0.10, paired.differences().get("p70"), 1e-9);
        assertEquals(0.01, paired.differences().get("p90"), 1e-9);
        assertEquals(0.07, paired.mean(), 1e-9);
        // deviations 0.23, -0.17, -0.06: sum of squares 0.0854 over 2
        assertEquals(Math.sqrt(0.0854 / 2), paired.sd(), 1e-9);
        assertEquals(2, paired.wins());
        assertEquals(1, paired.losses());
        assertEquals(0, paired.ties());
    }

    @Test
    void tiesInParametersGoToTheMoreAccurateAndDatasetsAreApart() {
        List<Arm> arms = List.of(new Arm("a", "vgg16", "fmnist", "L1", 0.93, 0.925, 50, 20),
                new Arm("b", "vgg16", "fmnist", "L1", 0.93, 0.929, 50, 21),
                new Arm("c", "vgg16", "cifar10", "L1", 0.93, 0.931, 90, 60));
        List<CriteriaComparison.Best> table = CriteriaComparison.mostRemoved(arms);
        assertEquals(4, table.size(), "two datasets, two tolerances");
        assertEquals("b", table.get(0).arm().orElseThrow().experiment());
        assertEquals("c", table.get(2).arm().orElseThrow().experiment());
    }

    @Test
    void anExperimentWithoutAFiniteAccuracyIsNotPaired() {
        List<Arm> arms = List.of(new Arm("a", "vgg16", "fmnist", "diversify", 0.93, Double.NaN, 50, 20),
                new Arm("a", "vgg16", "fmnist", "L1", 0.93, 0.92, 50, 20),
                new Arm("b", "vgg16", "fmnist", "diversify", 0.93, 0.925, 50, 20),
                new Arm("b", "vgg16", "fmnist", "L1", 0.93, 0.92, 50, 20));
        CriteriaComparison.Paired paired = CriteriaComparison.paired(arms, "diversify", "L1");
        assertEquals(List.of("b"), List.copyOf(paired.differences().keySet()));
        assertEquals(0.5, paired.mean(), 1e-9);
        assertEquals(0, paired.ties());
    }

    @Test
    void aPairWithoutCommonExperimentsHasNoStatistics() {
        CriteriaComparison.Paired paired = CriteriaComparison.paired(ARMS, "diversify", "random");
        assertTrue(paired.differences().isEmpty());
        assertTrue(Double.isNaN(paired.mean()) && Double.isNaN(paired.sd()));
        CriteriaComparison.Paired one = CriteriaComparison.paired(ARMS.subList(0, 2), "diversify", "L1");
        assertEquals(0.30, one.mean(), 1e-9);
        assertTrue(Double.isNaN(one.sd()), "no spread from one experiment");
    }
}
