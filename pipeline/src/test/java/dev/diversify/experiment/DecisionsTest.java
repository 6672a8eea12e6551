package dev.diversify.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.experiment.Decisions.CellToMeasure;
import dev.diversify.experiment.StageResults.GroupGrid;
import dev.diversify.experiment.StageResults.SweepCell;
import dev.diversify.graph.PruningGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionsTest {
    private static final List<Double> TAUS = List.of(0.2, 0.4, 0.6, 0.8);

    private static Map<String, GroupGrid> grids() {
        Map<String, GroupGrid> groups = new LinkedHashMap<>();
        // conv1: tau 0.2 keeps all 4; 0.4 and 0.6 keep the same three; 0.8 keeps two
        groups.put("conv1", new GroupGrid(4, TAUS, List.of(List.of(0, 1, 2, 3), List.of(0, 2, 3), List.of(0, 2, 3),
                List.of(0, 3))));
        groups.put("conv2", new GroupGrid(3, TAUS, List.of(List.of(0, 1, 2), List.of(0, 1, 2), List.of(1, 2),
                List.of(2))));
        return groups;
    }

    private static SweepCell cell(String group, double tau, double accuracy) {
        return new SweepCell(group, tau, 8, 4, accuracy);
    }

    @Test
    void cellsThatKeepTheSameFiltersAreMeasuredOnceAndCellsThatKeepAllNotAtAll() {
        assertEquals(List.of(new CellToMeasure("conv1", List.of(0, 2, 3)), new CellToMeasure("conv1", List.of(0, 3)),
                new CellToMeasure("conv2", List.of(1, 2)), new CellToMeasure("conv2", List.of(2))),
                Decisions.cellsToMeasure(grids()));
    }

    @Test
    void theSweepTableHasEveryGridPointWithTheBaselineWhereNothingIsRemoved() {
        Map<CellToMeasure, Double> measured = Map.of(
                new CellToMeasure("conv1", List.of(0, 2, 3)), 0.85, new CellToMeasure("conv1", List.of(0, 3)), 0.60,
                new CellToMeasure("conv2", List.of(1, 2)), 0.88, new CellToMeasure("conv2", List.of(2)), 0.70);
        List<SweepCell> table = Decisions.sweepTable(grids(), measured, 0.9);
        assertEquals(List.of(
                new SweepCell("conv1", 0.2, 4, 4, 0.9), new SweepCell("conv1", 0.4, 4, 3, 0.85),
                new SweepCell("conv1", 0.6, 4, 3, 0.85), new SweepCell("conv1", 0.8, 4, 2, 0.60),
                new SweepCell("conv2", 0.2, 3, 3, 0.9), new SweepCell("conv2", 0.4, 3, 3, 0.9),
                new SweepCell("conv2", 0.6, 3, 2, 0.88), new SweepCell("conv2", 0.8, 3, 1, 0.70)), table);
        assertThrows(IllegalStateException.class, () -> Decisions.sweepTable(grids(), Map.of(), 0.9));
    }

    @Test
    void eachGroupGetsTheLargestTauWithinTheBudgetEvenOnANonMonotoneCurve() {
        List<SweepCell> cells = List.of(
                cell("a", 0.2, 0.895), cell("a", 0.4, 0.86), cell("a", 0.6, 0.885), cell("a", 0.8, 0.70),
                cell("b", 0.2, 0.80), cell("b", 0.4, 0.75),
                cell("c", 0.2, 0.90), cell("c", 0.4, 0.88), cell("c", 0.6, 0.8799));
        Map<String, Integer> chosen = Decisions.chooseThresholds(cells, 0.90, 0.02);
        // a: 0.4 drops 4 points but 0.6 drops 1.5, so 0.6 (point 2); b: nothing fits; c: a drop of exactly 0.02 fits
        assertEquals(Map.of("a", 2, "c", 1), chosen);
        assertEquals(List.of("a", "c"), List.copyOf(chosen.keySet()), "groups in order");
        assertEquals(Map.of("a", 0, "c", 0), Decisions.chooseThresholds(cells, 0.90, 0.005));
        assertEquals(Map.of("a", 3, "b", 1, "c", 2), Decisions.chooseThresholds(cells, 0.90, 1.0));
    }

    @Test
    void anUnmeasuredCellIsNeverChosen() {
        List<SweepCell> cells = List.of(cell("a", 0.2, 0.90), cell("a", 0.4, Double.NaN), cell("b", 0.2, Double.NaN));
        assertEquals(Map.of("a", 0), Decisions.chooseThresholds(cells, 0.90, 1.0));
    }

    @Test
    void ties_anAccuracyAboveTheBaselineIsNoDropAndEqualAccuraciesTakeTheLargerTau() {
        List<SweepCell> cells = List.of(cell("a", 0.2, 0.91), cell("a", 0.4, 0.88), cell("a", 0.6, 0.88));
        assertEquals(Map.of("a", 2), Decisions.chooseThresholds(cells, 0.90, 0.02));
        assertEquals(Map.of("a", 0), Decisions.chooseThresholds(cells, 0.90, 0.0));
    }

    @Test
    void comparisonCriteriaKeepTheDiversifiedCountsOfThePrunedGroupsOnly() {
        List<PruningGroup> groups = List.of(new PruningGroup("stem", List.of("stem", "b1_conv2"), 16),
                new PruningGroup("b1_conv1", List.of("b1_conv1"), 16), new PruningGroup("b2_conv1", List.of("b2_conv1"), 32));
        Map<String, Integer> after = Map.of("stem", 9, "b1_conv2", 9, "b1_conv1", 16, "b2_conv1", 5);
        Map<String, Integer> budget = Decisions.sameBudget(groups, after);
        assertEquals(Map.of("stem", 9, "b2_conv1", 5), budget);
        assertEquals(List.of("stem", "b2_conv1"), List.copyOf(budget.keySet()));
        assertThrows(IllegalArgumentException.class, () -> Decisions.sameBudget(groups, Map.of("stem", 9)));
    }

    @Test
    void iterativeRoundsRemoveTheSameShareOfWhatIsLeft() {
        // target 0.75 in 2 rounds: round 1 reaches 1 - sqrt(0.25) = 0.5 of the baseline's 1,000
        assertEquals(0.5, Decisions.roundTarget(0.75, 1, 2, 1000, 1000), 1e-12);
        // round 2 from 480 (round 1 overshot to 0.52) to 250: 1 - 250/480 of what is left
        assertEquals(1 - 250.0 / 480, Decisions.roundTarget(0.75, 2, 2, 1000, 480), 1e-12);
        // 3 rounds of 0.488 each: 1 - 0.512^(1/3) = 0.2
        assertEquals(0.2, Decisions.roundTarget(0.488, 1, 3, 1000, 1000), 1e-12);
        assertEquals(0.2, Decisions.roundTarget(0.488, 2, 3, 1000, 800), 1e-12);
        // one round on the baseline: the target itself, to the bit
        assertEquals(0.7, Decisions.roundTarget(0.7, 1, 1, 1000, 1000));
        // a round that overshot past the next cumulative target leaves nothing for the next
        assertTrue(Decisions.roundTarget(0.75, 1, 3, 1000, 500) <= 0);
        assertThrows(IllegalArgumentException.class, () -> Decisions.roundTarget(0.5, 3, 2, 1000, 1000));
    }

    @Test
    void aTargetIsReachedByExactCountAndGroupsLeftWholeAreAbsent() {
        List<SweepCell> cells = List.of(cell("a", 0.2, 0.90), cell("a", 0.4, 0.85), cell("b", 0.2, 0.89),
                cell("b", 0.4, 0.80));
        // parameters: 100 per kept filter of a (8, 6, 3) and of b (8, 4, 2); pruned at point p of the group's cells
        int[][] kept = {{8, 6, 3}, {8, 4, 2}};
        java.util.function.ToLongFunction<Map<String, Integer>> cost = plan -> 100L * (
                kept[0][plan.containsKey("a") ? plan.get("a") + 1 : 0] + kept[1][plan.containsKey("b") ? plan.get("b") + 1 : 0]);
        // 25 % of 1,600: b at 0.2 (saves 400, drop 0.01) beats a at 0.2 (saves 200, drop 0) + ... a alone cannot
        assertEquals(Map.of("b", 0), Decisions.toTarget(cells, 0.90, 0.25, false, cost));
        assertEquals(Map.of("a", 0), Decisions.toTarget(cells, 0.90, 0.10, false, cost), "free, and enough");
        assertEquals(Map.of("a", 0, "b", 0), Decisions.toTarget(cells, 0.90, 0.30, true, cost), "one point for all");
        var error = assertThrows(IllegalArgumentException.class,
                () -> Decisions.toTarget(cells, 0.90, 0.70, false, cost));
        assertTrue(error.getMessage().contains("reaches at most 68.8 %"), error.getMessage());
    }
}
