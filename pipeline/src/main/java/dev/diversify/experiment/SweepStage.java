package dev.diversify.experiment;

import dev.diversify.experiment.Decisions.CellToMeasure;
import dev.diversify.experiment.StageResults.SweepCell;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;

/**
 * The sensitivity sweep (ALGORITHM.md, "Choosing thresholds"): every distinct cell that removes
 * filters is one Spark task that prunes only its group of the baseline and measures validation
 * accuracy; then each group gets its threshold.
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
        Map<String, Double> chosen = Decisions.chooseThresholds(table, baselineValidation,
                settings.sweep().maxAccuracyDrop());
        ctx.say("sweep: thresholds chosen for " + chosen.size() + " of " + similarity.groups().size() + " groups");
        return new StageResults.Sweep(baselineValidation, table, chosen);
    }
}
