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
 * is (the one-shot schedule; each filter with all its input channels) by any {@link Criterion} at
 * per-group budgets: the diversifying rule at thresholds, a comparison criterion at the counts of
 * another plan.
 */
public final class PlanBuilder {
    private PlanBuilder() {
    }

    /**
     * A group's filters: each member's weights {@code W} ([N, C_m, kH_m, kW_m]) as in {@code graph} now,
     * concatenated per filter index (ALGORITHM.md, "Coupled channels (residual additions)").
     *
     * @return an N x D bank, D the sum of the members' C_m*kH_m*kW_m
     * @throws IllegalArgumentException naming the group when a member's weights hold NaN or infinite
     *     values, or the members have different filter counts
     */
    public static FilterBank filters(ComputationGraph graph, PruningGroup group) {
        List<INDArray> weights = group.members().stream().map(m -> graph.getLayer(m).getParam("W")).toList();
        try {
            return FilterBank.concat(weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("group '" + group.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The selections of {@code criterion} on every group that {@code budgets} names (the others keep
     * all their filters and get no entry), each made on {@code graph} as it is (ALGORITHM.md,
     * "Schedules": one-shot); by group name, in the order of {@code groups}. The group at position g of
     * {@code groups} uses {@code criterion.forGroup(g)}. Budget names that are not in {@code groups} are ignored.
     *
     * @param groups  the graph's prunable groups, in topological order ({@code ChannelGraph.groups})
     * @param budgets each pruned group's budget, by group name
     * @throws IllegalArgumentException naming the group when a budget does not fit it or the criterion,
     *     or its filters are refused (see {@link #filters})
     */
    public static Map<String, Selection> select(Criterion criterion, ComputationGraph graph, List<PruningGroup> groups,
                                                Map<String, ? extends Budget> budgets) {
        Map<String, Selection> selections = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            PruningGroup group = groups.get(g);
            Budget budget = budgets.get(group.name());
            if (budget != null) {
                FilterBank filters = filters(graph, group);
                try {
                    selections.put(group.name(), criterion.forGroup(g).select(filters, budget));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("group '" + group.name() + "': " + e.getMessage(), e);
                }
            }
        }
        return selections;
    }

    /**
     * The plan that keeps what {@code selections} keep; groups that keep every channel are left out.
     *
     * @param selections by group name, as {@link #select} returns them
     * @throws IllegalArgumentException when a name is not a prunable group of {@code channels} under {@code policy}
     */
    public static PruningPlan plan(ChannelGraph channels, ResidualPolicy policy, Map<String, Selection> selections) {
        Map<String, int[]> kept = new LinkedHashMap<>();
        selections.forEach((group, selection) -> kept.put(group, selection.kept()));
        return PruningPlan.of(channels, policy, kept);
    }
}
