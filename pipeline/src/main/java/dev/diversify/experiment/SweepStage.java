package dev.diversify.experiment;

import dev.diversify.experiment.Decisions.CellToMeasure;
import dev.diversify.experiment.StageResults.SweepCell;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import dev.diversify.surgery.Surgery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * The sensitivity sweep (ALGORITHM.md, "Choosing thresholds"): every distinct cell that removes
 * filters is one Spark task that prunes only its group of the baseline and measures validation
 * accuracy; then each group gets its grid point by the objective (a per-group drop budget, or a
 * compression target counted exactly; ALGORITHM.md, "Compression targets").
 */
final class SweepStage {
    private SweepStage() {
    }

    static StageResults.Sweep run(StageContext ctx, StageResults.Similarity similarity, double baselineValidation) {
        ExperimentSettings settings = ctx.settings();
        List<CellToMeasure> toMeasure = Decisions.cellsToMeasure(similarity.groups());
        ctx.say("sweep: " + toMeasure.size() + " cells that remove filters, as Spark tasks");
        Broadcast<byte[]> model = ctx.sc().broadcast(SweepTasks.serialise(ctx.loadModel(BaselineStage.MODEL)));
        Map<CellToMeasure, Double> measured = new LinkedHashMap<>();
        try {
            List<SweepTasks.Cell> cells = toMeasure.stream().map(SweepTasks.Cell::of).toList();
            for (SweepTasks.Cell cell : SweepTasks.sweep(ctx.sc(), model, ctx.input(), settings.residual(), cells,
                    ctx.source(), ctx.selection().validation(), ctx.evalBatches())) {
                measured.put(cell.toMeasure(), cell.accuracy);
            }
        } finally {
            model.destroy();
        }
        List<SweepCell> table = Decisions.sweepTable(similarity.groups(), measured, baselineValidation);
        SweepSettings sweep = settings.sweep();
        Map<String, Integer> chosen = switch (sweep.objective()) {
            case PER_GROUP_DROP -> Decisions.chooseThresholds(table, baselineValidation, sweep.maxAccuracyDrop());
            case TARGET, GLOBAL_TAU -> Decisions.toTarget(table, baselineValidation, sweep.target().fraction(),
                    sweep.objective() == Objective.GLOBAL_TAU, cost(ctx, similarity, sweep.target()));
        };
        ctx.say("sweep: grid points chosen for " + chosen.size() + " of " + similarity.groups().size() + " groups"
                + (sweep.target() == null ? "" : " (target " + sweep.target() + ", " + sweep.objective().name()
                .toLowerCase().replace('_', '-') + ")"));
        return new StageResults.Sweep(baselineValidation, table, chosen);
    }

    /**
     * The exact cost the target counts (trainable parameters, or MACs), of the baseline with the given groups
     * pruned at the given grid points: counted on the pruned configuration, no weights built.
     */
    private static ToLongFunction<Map<String, Integer>> cost(StageContext ctx, StageResults.Similarity similarity,
                                                             SweepSettings.Target target) {
        ComputationGraphConfiguration conf = ctx.loadModel(BaselineStage.MODEL).getConfiguration();
        ChannelGraph channels = ChannelGraph.of(conf, ctx.input());
        ResidualPolicy policy = ctx.settings().residual();
        return points -> {
            Map<String, int[]> kept = new LinkedHashMap<>();
            points.forEach((group, point) -> kept.put(group, similarity.groups().get(group).kept().get(point).stream()
                    .mapToInt(Integer::intValue).toArray()));
            ModelCost cost = CostCounter.count(Surgery.prunedConfiguration(conf, channels,
                    PruningPlan.of(channels, policy, kept)), ctx.input());
            return target.flops() ? cost.macs() : cost.params();
        };
    }
}
