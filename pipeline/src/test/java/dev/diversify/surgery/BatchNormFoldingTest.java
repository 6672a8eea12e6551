package dev.diversify.surgery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.models.TestNetworks;
import java.util.List;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchNormFoldingTest {
    /** Batch norms with random statistics (both DL4J encodings of the variance), logits out. */
    private static ComputationGraph network(Architecture architecture, boolean logStd) {
        ModelSpec spec = ModelSpec.cifar(architecture, 10).withWidth(0.25);
        ComputationGraph graph = TestNetworks.withRandomStatistics(spec);
        if (logStd) {
            return graph;
        }
        var conf = graph.getConfiguration().clone();
        conf.getVertices().values().forEach(v -> {
            if (v instanceof LayerVertex l && l.getLayerConf().getLayer() instanceof BatchNormalization bn) {
                bn.setUseLogStd(false);
            }
        });
        ComputationGraph plain = Models.initialise(conf);
        for (var layer : plain.getLayers()) { // the same statistics, as variances
            var source = graph.getLayer(layer.getConfig().getLayerName()).paramTable();
            layer.paramTable().forEach((key, value) -> value.assign(key.equals("var")
                    ? varianceOf(source.get("log10stdev")) : source.get(key)));
        }
        return plain;
    }

    private static INDArray varianceOf(INDArray log10std) {
        INDArray std = org.nd4j.linalg.ops.transforms.Transforms.pow(Nd4j.valueArrayOf(log10std.shape(), 10.0,
                log10std.dataType()), log10std);
        return std.mul(std);
    }

    private static long batchNorms(ComputationGraph network) {
        return network.getConfiguration().getVertices().values().stream().filter(v -> v instanceof LayerVertex l
                && l.getLayerConf().getLayer() instanceof BatchNormalization).count();
    }

    private static long convolutions(ComputationGraph network) {
        return network.getConfiguration().getVertices().values().stream().filter(v -> v instanceof LayerVertex l
                && l.getLayerConf().getLayer() instanceof ConvolutionLayer).count();
    }

    private static void assertSameOutputs(ComputationGraph a, ComputationGraph b, String what) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 32, 32);
        INDArray expected = a.outputSingle(false, x);
        INDArray actual = b.outputSingle(false, x);
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, what + ": outputs differ by " + diff + " (scale " + scale + ")");
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void foldedNetworksComputeWhatTheOriginalsComputeInInference(Architecture architecture) {
        for (boolean logStd : new boolean[] {true, false}) {
            ComputationGraph original = network(architecture, logStd);
            INDArray before = original.params().dup();
            BatchNormFolding.Folded folded = BatchNormFolding.fold(original);
            String what = architecture.id() + (logStd ? " (log10 std)" : " (variance)");
            assertSameOutputs(original, folded.network(), what);
            assertEquals(before, original.params(), what + ": the original is unchanged");
            assertEquals(batchNorms(original) - folded.foldedBatchNorms().size(), batchNorms(folded.network()), what);
            switch (architecture) {
                // every convolution is followed by its own batch norm: all fold
                case VGG16, RESNET20, RESNET56 -> assertEquals(convolutions(original), folded.foldedBatchNorms().size(),
                        what);
                // pre-activation blocks: batch norms after concatenations stay; only those after the
                // bottleneck 1x1 convolutions (BC) fold
                case DENSENET_40_12 -> assertEquals(List.of(), folded.foldedBatchNorms(), what);
                case DENSENET_BC_40_12 -> assertTrue(!folded.foldedBatchNorms().isEmpty()
                        && batchNorms(folded.network()) > 0, what);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"VGG16", "RESNET20"})
    void aPrunedNetworkFoldsToo(Architecture architecture) {
        ComputationGraph original = network(architecture, true);
        var input = Models.inputType(ModelSpec.cifar(architecture, 10));
        ComputationGraph pruned = Surgery.apply(original, input,
                TestNetworks.randomPlan(ChannelGraph.of(original.getConfiguration(), input), 5));
        assertSameOutputs(pruned, BatchNormFolding.fold(pruned).network(), architecture.id() + " pruned");
    }
}
