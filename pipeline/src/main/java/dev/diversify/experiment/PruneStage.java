package dev.diversify.experiment;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.io.HadoopFiles;
import dev.diversify.prune.Budget;
import dev.diversify.prune.Criteria;
import dev.diversify.prune.Criterion;
import dev.diversify.prune.DiversifyingRule;
import dev.diversify.prune.PlanBuilder;
import dev.diversify.prune.Selection;
import dev.diversify.surgery.Surgery;
import dev.diversify.train.TrainingSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Pruning (ALGORITHM.md, "Schedules"): the diversifying rule at the sweep's thresholds, one-shot or
 * layer-wise, and each comparison criterion at the same per-group channel counts. Each writes
 * {@code <method>-pruned.zip} and, for plans made on the baseline, {@code <method>.plan.json}.
 */
final class PruneStage {
    static final String DIVERSIFY = Criteria.DIVERSIFY.id();

    private PruneStage() {
    }

    static String prunedModel(String method) {
        return method + "-pruned";
    }

    /** The diversifying rule at each group's chosen threshold (groups without one keep everything). */
    static StageResults.Pruned diversify(StageContext ctx, StageResults.Similarity similarity, StageResults.Sweep sweep) {
        ExperimentSettings settings = ctx.settings();
        ComputationGraph network = ctx.loadModel(BaselineStage.MODEL);
        if (settings.schedule() == Schedule.ONE_SHOT) {
            Map<String, int[]> kept = new LinkedHashMap<>();
            similarity.groups().forEach((group, grid) -> {
                Integer point = sweep.chosen().get(group);
                if (point != null) {
                    kept.put(group, grid.kept().get(point).stream().mapToInt(Integer::intValue).toArray());
                }
            });
            PruningPlan plan = PruningPlan.of(ChannelGraph.of(network.getConfiguration(), ctx.input()),
                    settings.residual(), kept);
            return save(ctx, DIVERSIFY, Surgery.apply(network, ctx.input(), plan), plan);
        }
        return save(ctx, DIVERSIFY, layerWise(ctx, network, similarity, sweep.chosen()), null);
    }

    /**
     * Layer-wise: group by group from input to output, selected on the current network, pruned, retrained a
     * little. A group keeps as many filters as at its chosen grid point, which the objective counted
     * (fraction grids and targets), or, with a threshold grid and a per-group drop budget, what the rule
     * keeps at the chosen threshold on the current network.
     */
    private static ComputationGraph layerWise(StageContext ctx, ComputationGraph network,
                                              StageResults.Similarity similarity, Map<String, Integer> chosen) {
        ExperimentSettings settings = ctx.settings();
        TrainingSettings retrain = settings.retrain();
        TrainingSettings brief = new TrainingSettings(settings.layerwiseEpochs(), retrain.learningRate(),
                retrain.momentum(), retrain.weightDecay(), List.of(), 1.0, retrain.averagingFrequency());
        List<String> order = ctx.groups(network).stream().map(PruningGroup::name).filter(chosen::containsKey).toList();
        DiversifyingRule rule = new DiversifyingRule();
        for (String name : order) {
            ChannelGraph channels = ChannelGraph.of(network.getConfiguration(), ctx.input());
            PruningGroup group = channels.group(settings.residual(), name);
            StageResults.GroupGrid grid = similarity.groups().get(name);
            int point = chosen.get(name);
            Budget budget = settings.sweep().byFraction() || settings.sweep().objective() != Objective.PER_GROUP_DROP
                    ? new Budget.Keep(grid.kept().get(point).size())
                    : new Budget.Threshold(grid.taus().get(point));
            Selection s = rule.select(PlanBuilder.filters(network, group), budget);
            network = Surgery.apply(network, ctx.input(),
                    PruningPlan.of(channels, settings.residual(), Map.of(name, s.kept())));
            ctx.say("layer-wise: " + name + " " + group.channels() + " -> " + s.keptCount() + " channels");
            if (brief.epochs() > 0) {
                network = ctx.train("layer-wise " + name, network, brief, false).network();
            }
        }
        return network;
    }

    /** {@code criterion} on the baseline, keeping as many channels per group as the diversifying rule did. */
    static StageResults.Pruned sameBudget(StageContext ctx, Criterion criterion, StageResults.Pruned diversified) {
        ComputationGraph baseline = ctx.loadModel(BaselineStage.MODEL);
        ChannelGraph channels = ChannelGraph.of(baseline.getConfiguration(), ctx.input());
        List<PruningGroup> groups = channels.groups(ctx.settings().residual());
        Map<String, Budget> budgets = new LinkedHashMap<>();
        Decisions.sameBudget(groups, diversified.channels()).forEach((group, keep) -> budgets.put(group, new Budget.Keep(keep)));
        PruningPlan plan = PlanBuilder.plan(channels, ctx.settings().residual(),
                PlanBuilder.select(criterion, baseline, groups, budgets));
        return save(ctx, criterion.id(), Surgery.apply(baseline, ctx.input(), plan), plan);
    }

    private static StageResults.Pruned save(StageContext ctx, String method, ComputationGraph pruned, PruningPlan plan) {
        ctx.saveModel(pruned, prunedModel(method));
        if (plan != null) {
            HadoopFiles.writeText(ctx.planPath(method), plan.toJson());
        }
        StageResults.Pruned result = new StageResults.Pruned(ctx.cost(pruned), ctx.channelsPerConv(pruned),
                ctx.testAccuracy(pruned));
        ctx.say(String.format("%s: pruned to %,d params, test accuracy before retraining %.4f", method,
                result.cost().params(), result.accuracy()));
        return result;
    }
}
