package dev.diversify.experiment;

import dev.diversify.experiment.Decisions.CellToMeasure;
import dev.diversify.experiment.StageResults.SweepCell;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import dev.diversify.surgery.Surgery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The sensitivity sweep (ALGORITHM.md, "Choosing thresholds"): every distinct cell that removes
 * filters is one Spark task that prunes only its group of the network (the baseline, or an iterative
 * round's current network) and measures validation accuracy; then each group gets its grid point by the
 * objective (a per-group drop budget, or a compression target counted exactly; ALGORITHM.md,
 * "Compression targets").
 */
final class SweepStage {
    private SweepStage() {
    }

    /**
     * @param model              the saved model the similarity stage selected on, by name
     * @param baselineValidation the validation accuracy of {@code model}, a fraction
     * @param target             target objectives: the fraction of {@code model}'s cost to remove (see
     *                           {@link Decisions#roundTarget}); 0 or less prunes nothing. Else unused.
     */
    static StageResults.Sweep run(StageContext ctx, String model, StageResults.Similarity similarity,
                                  double baselineValidation, double target) {
        return of(ctx.sweepContext(), ctx.loadModel(model), ctx.settings().sweep(), similarity, baselineValidation,
                target);
    }

    /**
     * The sweep of {@code network}, whose selections {@code similarity} holds, and the grid points
     * {@code sweep}'s objective chooses; parameters as for {@link #run}.
     *
     * @throws IllegalArgumentException when a target is beyond what the grid reaches (naming what it reaches)
     */
    static StageResults.Sweep of(SweepContext at, ComputationGraph network, SweepSettings sweep,
                                 StageResults.Similarity similarity, double baselineValidation, double target) {
        List<CellToMeasure> toMeasure = Decisions.cellsToMeasure(similarity.groups());
        Map<CellToMeasure, Double> measured = new LinkedHashMap<>();
        try (MeasuredCells before = at.measuredCells(network)) {
            List<SweepTasks.Cell> cells = new ArrayList<>();
            for (CellToMeasure cell : toMeasure) {
                Double accuracy = before.accuracy(cell);
                if (accuracy != null) {
                    measured.put(cell, accuracy);
                } else {
                    cells.add(SweepTasks.Cell.of(cell));
                }
            }
            if (!measured.isEmpty()) {
                at.say().accept("sweep: " + (cells.isEmpty() ? "all of the " : measured.size() + " of ")
                        + toMeasure.size() + " cells measured before on the same network and validation images, read "
                        + "from " + before.file());
            }
            if (!cells.isEmpty()) {
                String job = "sweep: " + cells.size() + " cells that remove filters";
                at.say().accept(job + ", as Spark tasks");
                Map<CellToMeasure, Double> now = new LinkedHashMap<>();
                String validation = MeasuredCells.sha256(at.validationIdentity());
                for (SweepTasks.Cell cell : at.overNetwork(job, network, weights -> SweepTasks.sweep(at.sc(), weights,
                        at.input(), at.policy(), cells, at.source(), at.validation(), at.batches(), validation))) {
                    now.put(cell.toMeasure(), cell.accuracy);
                }
                before.record(now);
                measured.putAll(now);
            }
        }
        List<SweepCell> table = Decisions.sweepTable(similarity.groups(), measured, baselineValidation);
        Map<String, Integer> chosen = switch (sweep.objective()) {
            case PER_GROUP_DROP -> Decisions.chooseThresholds(table, baselineValidation, sweep.maxAccuracyDrop());
            case TARGET, GLOBAL_TAU -> target <= 0 ? Map.of() : Decisions.toTarget(table, baselineValidation, target,
                    sweep.objective() == Objective.GLOBAL_TAU,
                    cost(network.getConfiguration(), at, similarity, sweep.target()));
        };
        String objective = sweep.objective().name().toLowerCase().replace('_', '-');
        at.say().accept("sweep: grid points chosen for " + chosen.size() + " of " + similarity.groups().size()
                + " groups (" + objective + (sweep.target() == null ? ")"
                : target == sweep.target().fraction() ? ", " + sweep.target() + ")"
                : String.format(java.util.Locale.ROOT, ": this round removes %.1f %% of the current network, towards "
                + "%s)", 100 * Math.max(0, target), sweep.target())));
        return new StageResults.Sweep(baselineValidation, table, chosen);
    }

    /**
     * The exact cost the target counts (trainable parameters, or MACs), of {@code conf} with the given groups
     * pruned at the given grid points: counted on the pruned configuration, no weights built.
     */
    private static ToLongFunction<Map<String, Integer>> cost(ComputationGraphConfiguration conf, SweepContext at,
                                                             StageResults.Similarity similarity,
                                                             SweepSettings.Target target) {
        ChannelGraph channels = ChannelGraph.of(conf, at.input());
        ResidualPolicy policy = at.policy();
        return points -> {
            Map<String, int[]> kept = new LinkedHashMap<>();
            points.forEach((group, point) -> kept.put(group, similarity.groups().get(group).kept().get(point).stream()
                    .mapToInt(Integer::intValue).toArray()));
            ModelCost cost = CostCounter.count(Surgery.prunedConfiguration(conf, channels,
                    PruningPlan.of(channels, policy, kept)), at.input());
            return target.of(CostTotals.of(cost));
        };
    }
}
