package dev.diversify.bench;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.prune.Budget;
import dev.diversify.prune.DiversifyingRule;
import dev.diversify.prune.FilterBank;
import dev.diversify.prune.PlanBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times the diversifying rule (similarity matrix + selection) on every prunable group of a model
 * at width 1, next to the bare N x D by D x N matrix product in float64 that bounds it.
 */
public final class SimilarityBenchmark {
    /** One group's result. */
    public record Row(String model, String group, int filters, long weightsPerFilter, Timing rule, Timing product) {
    }

    private SimilarityBenchmark() {
    }

    /**
     * One row per distinct (filters x weights per filter) shape of {@code architecture}'s prunable groups at
     * width 1 (CIFAR input): the rule at {@code tau} including the float64 copy of the weights, and the
     * bare product, each timed {@code repetitions} times after {@code warmup} runs.
     */
    public static List<Row> run(Architecture architecture, double tau, int warmup, int repetitions) {
        ModelSpec spec = ModelSpec.cifar(architecture, 10);
        ComputationGraph graph = Models.build(spec);
        ChannelGraph channels = ChannelGraph.of(graph.getConfiguration(), Models.inputType(spec));
        List<Row> rows = new ArrayList<>();
        Map<String, Boolean> seenShapes = new LinkedHashMap<>();
        for (PruningGroup group : channels.groups(ResidualPolicy.COUPLED)) {
            FilterBank filters = PlanBuilder.filters(graph, group);
            String shape = filters.count() + "x" + filters.dimension();
            if (seenShapes.putIfAbsent(shape, true) != null) {
                continue; // same shape, same cost: one row per distinct layer shape keeps the table short
            }
            // The weights' float64 copy is part of the rule's cost, so each repetition starts from the layer.
            Timing rule = Timing.measure(() -> new DiversifyingRule().select(PlanBuilder.filters(graph, group), new Budget.Threshold(tau)),
                    Timing.Warmup.runs(warmup), repetitions);
            INDArray matrix = Nd4j.rand(DataType.DOUBLE, filters.count(), filters.dimension());
            Timing product = Timing.measure(() -> matrix.mmul(matrix.transpose()), Timing.Warmup.runs(warmup), repetitions);
            rows.add(new Row(architecture.id(), group.name(), filters.count(), filters.dimension(), rule, product));
        }
        return rows;
    }
}
