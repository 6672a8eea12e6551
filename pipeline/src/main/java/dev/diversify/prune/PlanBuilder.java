package dev.diversify.prune;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes pruning plans for a trained network: every group's selection made on the network as it
 * is (the one-shot schedule; each filter with all its input channels), by the diversifying rule at
 * per-group thresholds, or by a comparison criterion at the same per-group budgets as another plan.
 */
public final class PlanBuilder {
    private PlanBuilder() {
    }

    /** A group's filters: each member's output filters, concatenated per filter index (ALGORITHM.md, coupled channels). */
    public static FilterBank filters(ComputationGraph graph, PruningGroup group) {
        List<INDArray> weights = group.members().stream().map(m -> graph.getLayer(m).getParam("W")).toList();
        try {
            return FilterBank.concat(weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("group '" + group.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The diversifying rule on every group that {@code taus} names (groups it does not name keep all
     * their filters), with the default minKeep; selections by group name, in topological order.
     */
    public static Map<String, Selection> diversify(ComputationGraph graph, List<PruningGroup> groups,
                                                   Map<String, Double> taus) {
        Map<String, Selection> selections = new LinkedHashMap<>();
        for (PruningGroup group : groups) {
            Double tau = taus.get(group.name());
            if (tau != null) {
                selections.put(group.name(), DiversifyingRule.select(filters(graph, group), tau));
            }
        }
        return selections;
    }

    /**
     * The selections of {@code criterion} (L1 or random) that keep as many filters per group as
     * {@code budget} does; random draws from {@code seed} and the group's position.
     */
    public static Map<String, Selection> sameBudget(Criteria criterion, ComputationGraph graph,
                                                    List<PruningGroup> groups, Map<String, Integer> budget, long seed) {
        Map<String, Selection> selections = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            PruningGroup group = groups.get(g);
            Integer keep = budget.get(group.name());
            if (keep == null) {
                continue;
            }
            selections.put(group.name(), switch (criterion) {
                case L1 -> L1Norm.select(filters(graph, group), keep);
                case RANDOM -> RandomChoice.select(group.channels(), keep, seed + g);
                case DIVERSIFY -> throw new IllegalArgumentException("the diversifying rule sets its own budget from tau");
            });
        }
        return selections;
    }

    /** The plan that keeps what {@code selections} keep. */
    public static PruningPlan plan(ChannelGraph channels, ResidualPolicy policy, Map<String, Selection> selections) {
        Map<String, int[]> kept = new LinkedHashMap<>();
        selections.forEach((group, selection) -> kept.put(group, selection.kept()));
        return PruningPlan.of(channels, policy, kept);
    }

    /** How many filters each group of {@code plan} keeps. */
    public static Map<String, Integer> budget(PruningPlan plan) {
        Map<String, Integer> budget = new LinkedHashMap<>();
        plan.groups().forEach(e -> budget.put(e.group(), e.kept().length));
        return budget;
    }
}
