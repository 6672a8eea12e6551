package dev.diversify.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class LayerTimesTest {
    /** Every vertex but the input gets a forward and a backward time, and the network trains on afterwards. */
    @Test
    void timesEveryVertexOfAResidualNetworkAndLeavesItTrainable() {
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.125);
        ComputationGraph network = Models.build(spec);
        DataSet batch = Throughput.batch(4, 3, 32, 10);
        List<LayerTimes.Row> rows = LayerTimes.measure(network, batch, 0, 1);
        assertEquals(network.getConfiguration().getVertices().size(), rows.size(), "every vertex (the input is none)");
        Set<String> types = rows.stream().map(LayerTimes.Row::type).collect(Collectors.toSet());
        assertTrue(types.containsAll(Set.of("ConvolutionLayer", "BatchNormalization", "ActivationLayer",
                "ElementWiseVertex", "GlobalPoolingLayer", "OutputLayer")), types.toString());
        assertTrue(rows.stream().allMatch(r -> r.forward().medianMs() > 0 && r.backward().medianMs() > 0));
        network.fit(batch);
        assertTrue(Double.isFinite(network.score()), "trains after the measurement");
    }
}
