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
 * Pruning (ALGORITHM.md, "Schedules" and "Iterative rounds"): the diversifying rule at the sweep's grid
 * points, and each comparison criterion at the same per-group channel counts, under the same schedule:
 * all groups at once (one-shot, and each iterative round), or group by group with a little retraining
 * after each (layer-wise). Each writes {@code <method>-pruned<suffix>.zip} and, for plans made in one
 * step, {@code <method><suffix>.plan.json}; the suffix names an iterative round ({@link Schedule#suffix}).
 */
final class PruneStage {
    static final String DIVERSIFY = Criteria.DIVERSIFY.id();

    private PruneStage() {
    }

    /** The name of {@code method}'s pruned network (before retraining) of the round with {@code suffix}. */
    static String prunedModel(String method, String suffix) {
        return method + "-pruned" + suffix;
    }

    /**
     * The diversifying rule on saved model {@code from}, each group at its chosen grid point (groups without
     * one keep everything). Layer-wise, a group keeps as many filters as at its chosen point, which the
     * objective counted (fraction grids and targets), or, with a threshold grid and a per-group drop budget,
     * what the rule keeps at the chosen threshold on the current network.
     */
    static StageResults.Pruned diversify(StageContext ctx, String from, String suffix,
                                         StageResults.Similarity similarity, StageResults.Sweep sweep) {
        ExperimentSettings settings = ctx.settings();
        ComputationGraph network = ctx.loadModel(from);
        boolean counted = settings.sweep().byFraction() || settings.sweep().objective() != Objective.PER_GROUP_DROP;
        Map<String, Budget> budgets = new LinkedHashMap<>();
        Map<String, int[]> kept = new LinkedHashMap<>();
        sweep.chosen().forEach((group, point) -> {
            StageResults.GroupGrid grid = similarity.groups().get(group);
            kept.put(group, grid.kept().get(point).stream().mapToInt(Integer::intValue).toArray());
            budgets.put(group, counted ? new Budget.Keep(grid.kept().get(point).size())
                    : new Budget.Threshold(grid.taus().get(point)));
        });
        if (settings.schedule() == Schedule.LAYER_WISE) {
            return save(ctx, DIVERSIFY, suffix, layerWise(ctx, network, new DiversifyingRule(), budgets), null);
        }
        PruningPlan plan = PruningPlan.of(ChannelGraph.of(network.getConfiguration(), ctx.input()),
                settings.residual(), kept);
        return save(ctx, DIVERSIFY, suffix, Surgery.apply(network, ctx.input(), plan), plan);
    }

    /**
     * {@code criterion} on saved model {@code from}, keeping as many channels per group as the diversifying
     * rule did in the same round, under the same schedule.
     */
    static StageResults.Pruned sameBudget(StageContext ctx, Criterion criterion, String from, String suffix,
                                          StageResults.Pruned diversified) {
        ComputationGraph network = ctx.loadModel(from);
        ChannelGraph channels = ChannelGraph.of(network.getConfiguration(), ctx.input());
        List<PruningGroup> groups = channels.groups(ctx.settings().residual());
        Map<String, Budget> budgets = new LinkedHashMap<>();
        Decisions.sameBudget(groups, diversified.channels()).forEach((group, keep) -> budgets.put(group, new Budget.Keep(keep)));
        if (ctx.settings().schedule() == Schedule.LAYER_WISE) {
            return save(ctx, criterion.id(), suffix, layerWise(ctx, network, criterion, budgets), null);
        }
        PruningPlan plan = PlanBuilder.plan(channels, ctx.settings().residual(),
                PlanBuilder.select(criterion, network, groups, budgets));
        return save(ctx, criterion.id(), suffix, Surgery.apply(network, ctx.input(), plan), plan);
    }

    /**
     * Layer-wise: the groups {@code budgets} names, from input to output, each selected by {@code criterion}
     * on the current network, pruned, and retrained {@code layer-wise-epochs} epochs at the retraining's
     * initial rate. Every criterion gets this same schedule.
     */
    private static ComputationGraph layerWise(StageContext ctx, ComputationGraph network, Criterion criterion,
                                              Map<String, Budget> budgets) {
        ExperimentSettings settings = ctx.settings();
        TrainingSettings brief = settings.retrain().atConstantRate(settings.layerwiseEpochs());
        List<String> order = ctx.groups(network).stream().map(PruningGroup::name).filter(budgets::containsKey).toList();
        for (String name : order) {
            ChannelGraph channels = ChannelGraph.of(network.getConfiguration(), ctx.input());
            List<PruningGroup> groups = channels.groups(settings.residual());
            Selection s = PlanBuilder.select(criterion, network, groups, Map.of(name, budgets.get(name))).get(name);
            network = Surgery.apply(network, ctx.input(),
                    PruningPlan.of(channels, settings.residual(), Map.of(name, s.kept())));
            ctx.say("layer-wise " + criterion.id() + ": " + name + " " + s.total() + " -> " + s.keptCount()
                    + " channels");
            if (brief.epochs() > 0) {
                network = ctx.train("layer-wise " + criterion.id() + " " + name, network, brief, false).network();
            }
        }
        return network;
    }

    private static StageResults.Pruned save(StageContext ctx, String method, String suffix, ComputationGraph pruned,
                                            PruningPlan plan) {
        ctx.saveModel(pruned, prunedModel(method, suffix));
        if (plan != null) {
            HadoopFiles.writeText(ctx.planPath(method + suffix), plan.toJson());
        } else {
            HadoopFiles.delete(ctx.planPath(method + suffix)); // one an earlier schedule wrote would mislabel the layers
        }
        StageResults.Pruned result = new StageResults.Pruned(ctx.cost(pruned), ctx.channelsPerConv(pruned),
                ctx.testAccuracy(pruned));
        ctx.say(String.format("%s%s: pruned to %,d params, test accuracy before retraining %.4f", method,
                suffix, result.cost().params(), result.accuracy()));
        return result;
    }
}
