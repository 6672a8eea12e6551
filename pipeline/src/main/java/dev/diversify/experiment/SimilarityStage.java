package dev.diversify.experiment;

import dev.diversify.graph.PruningGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The similarity stage: per prunable group of the baseline (one Spark task each), the cosine
 * distances of its filters and the diversifying rule's kept set at every threshold of the grid.
 */
final class SimilarityStage {
    private SimilarityStage() {
    }

    static StageResults.Similarity run(StageContext ctx) {
        ExperimentSettings settings = ctx.settings();
        ComputationGraph baseline = ctx.loadModel(BaselineStage.MODEL);
        List<PruningGroup> groups = ctx.groups(baseline);
        ctx.say("similarity: " + groups.size() + " groups x " + settings.sweep().grid().size()
                + (settings.sweep().byFraction() ? " fractions" : " thresholds"));
        Broadcast<byte[]> model = ctx.sc().broadcast(SweepTasks.serialise(baseline));
        Map<String, StageResults.GroupGrid> byGroup = new LinkedHashMap<>();
        try {
            for (SweepTasks.GroupSelections g : SweepTasks.selections(ctx.sc(), model, ctx.input(), settings.residual(),
                    groups, settings.sweep().grid(), settings.sweep().byFraction())) {
                byGroup.put(g.group, new StageResults.GroupGrid(g.channels,
                        java.util.Arrays.stream(g.taus).boxed().toList(),
                        java.util.Arrays.stream(g.kept).map(k -> java.util.Arrays.stream(k).boxed().toList()).toList()));
            }
        } finally {
            model.destroy();
        }
        return new StageResults.Similarity(byGroup);
    }
}
