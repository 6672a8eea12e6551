package dev.diversify.metrics;

import dev.diversify.graph.Topology;
import dev.diversify.layers.LayerCost;
import dev.diversify.layers.LayerHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Counts parameters and multiply-accumulates of any {@link ComputationGraphConfiguration} whose
 * layer types have a handler in {@link LayerHandlers}. Counts come from the configuration (no weights needed), following the
 * convention of the pruning literature: a convolution costs kH*kW*Cin*Cout MACs per output pixel,
 * a dense layer nIn*nOut; batch norm, activations, pooling and additions cost nothing.
 */
public final class CostCounter {
    private CostCounter() {
    }

    /**
     * The cost of {@code conf} for one input of type {@code input} (one image): one {@link LayerCost} per
     * layer with parameters or MACs (convolutions, batch norms, dense and output layers), in topological
     * order (ALGORITHM.md, "What every run reports"). Parameters are counts, not bytes.
     *
     * @throws dev.diversify.layers.UnsupportedLayerException for a layer type without a handler
     * @throws IllegalArgumentException when the graph has a cycle or a missing input
     */
    public static ModelCost count(ComputationGraphConfiguration conf, InputType input) {
        Map<String, InputType> outputTypes = conf.getLayerActivationTypes(input);
        Map<String, GraphVertex> vertices = conf.getVertices();
        List<LayerCost> layers = new ArrayList<>();
        for (String name : Topology.order(conf)) {
            GraphVertex vertex = vertices.get(name);
            if (vertex != null) { // null: a network input
                LayerCost cost = LayerHandlers.of(name, vertex).cost(name, vertex, outputTypes.get(name));
                if (cost != null) {
                    layers.add(cost);
                }
            }
        }
        return new ModelCost(layers);
    }
}
