package dev.diversify.experiment;

import dev.diversify.graph.PruningGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The similarity stage: per prunable group of the network a round prunes (the baseline, or the current
 * network of an iterative round; one Spark task each), the cosine distances of its filters and the
 * diversifying rule's kept set at every point of the grid.
 */
final class SimilarityStage {
    private SimilarityStage() {
    }

    /** @param model the saved model to select on, by its name in the run (see {@link StageContext#loadModel}) */
    static StageResults.Similarity run(StageContext ctx, String model) {
        return of(ctx.sweepContext(), ctx.loadModel(model), ctx.settings().sweep());
    }

    /** Every prunable group of {@code network} under the rule at every point of {@code sweep}'s grid. */
    static StageResults.Similarity of(SweepContext at, ComputationGraph network, SweepSettings sweep) {
        List<PruningGroup> groups = dev.diversify.graph.ChannelGraph.of(network.getConfiguration(), at.input())
                .groups(at.policy());
        String job = "similarity: " + groups.size() + " groups x " + sweep.grid().size()
                + (sweep.byFraction() ? " fractions" : " thresholds");
        at.say().accept(job);
        Map<String, StageResults.GroupGrid> byGroup = new LinkedHashMap<>();
        for (SweepTasks.GroupSelections g : at.overNetwork(job, network, weights -> SweepTasks.selections(at.sc(),
                weights, at.input(), at.policy(), groups, sweep.grid(), sweep.byFraction()))) {
            byGroup.put(g.group, new StageResults.GroupGrid(g.channels,
                    java.util.Arrays.stream(g.taus).boxed().toList(),
                    java.util.Arrays.stream(g.kept).map(k -> java.util.Arrays.stream(k).boxed().toList()).toList()));
        }
        return new StageResults.Similarity(byGroup);
    }
}
