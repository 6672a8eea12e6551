package dev.diversify.surgery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.models.TestNetworks;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class SurgeryTest {
    private static final double WIDTH = 0.5;

    private static ModelSpec spec(Architecture architecture) {
        return ModelSpec.cifar(architecture, 10).withWidth(WIDTH);
    }

    /** The original network with every removed channel's consumers' input weights zeroed. */
    static ComputationGraph masked(ComputationGraph original, InputType input, PruningPlan plan) {
        ComputationGraph masked = original.clone();
        ChannelGraph channels = ChannelGraph.of(original.getConfiguration(), input);
        Map<Integer, int[]> kept = Surgery.check(plan, channels);
        for (Layer layer : masked.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            var conf = layer.conf().getLayer();
            boolean conv = conf.getClass() == ConvolutionLayer.class;
            boolean dense = conf instanceof DenseLayer || conf instanceof BaseOutputLayer;
            if (!conv && !dense) {
                continue;
            }
            List<ChannelGraph.Segment> in = channels.inputChannels(name);
            int total = in.stream().mapToInt(ChannelGraph.Segment::count).sum();
            boolean[] keep = new boolean[total];
            for (int position : Surgery.positions(in, channels, kept)) {
                keep[position] = true;
            }
            INDArray w = layer.getParam("W");
            long perChannel = conv ? 1 : w.size(0) / total;
            for (int c = 0; c < total; c++) {
                if (!keep[c]) {
                    if (conv) {
                        w.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all()).assign(0);
                    } else {
                        w.get(NDArrayIndex.interval(c * perChannel, (c + 1) * perChannel), NDArrayIndex.all()).assign(0);
                    }
                }
            }
        }
        return masked;
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void prunedNetworkComputesWhatTheMaskedOriginalComputes(Architecture architecture) {
        ModelSpec spec = spec(architecture);
        ComputationGraph original = TestNetworks.withRandomStatistics(spec);
        InputType input = Models.inputType(spec);
        Nd4j.getRandom().setSeed(1);
        INDArray images = Nd4j.rand(4, 3, 32, 32).subi(0.5).muli(2);
        for (long seed = 1; seed <= 2; seed++) {
            PruningPlan plan = TestNetworks.randomPlan(ChannelGraph.of(original.getConfiguration(), input), seed);
            ComputationGraph pruned = Surgery.apply(original, input, plan);
            INDArray expected = masked(original, input, plan).outputSingle(images);
            INDArray actual = pruned.outputSingle(images);
            assertClose(expected, actual);
            assertTrue(expected.stdNumber().doubleValue() > 1e-3, "the logits differ: " + expected);

            ModelCost cost = CostCounter.count(pruned.getConfiguration(), input);
            assertEquals(pruned.numParams(), cost.params() + cost.bnStatistics(), "parameter count of the pruned model");
            assertTrue(cost.params() < CostCounter.count(original.getConfiguration(), input).params());
        }
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        double[] e = expected.reshape(expected.length()).toDoubleVector();
        double[] a = actual.reshape(actual.length()).toDoubleVector();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-4 * Math.max(1e-2, Math.abs(e[i])), "output " + i);
        }
    }

    @Test
    void anEmptyPlanChangesNothing() {
        ModelSpec spec = spec(Architecture.RESNET20);
        ComputationGraph original = TestNetworks.withRandomStatistics(spec);
        ComputationGraph same = Surgery.apply(original, Models.inputType(spec), PruningPlan.empty());
        INDArray images = Nd4j.rand(3, 3, 32, 32);
        assertEquals(original.numParams(), same.numParams());
        assertEquals(original.outputSingle(images), same.outputSingle(images));
    }

    @Test
    void keepsExactlyThePlannedChannelsAndTheirWeights() {
        ModelSpec spec = spec(Architecture.VGG16);
        ComputationGraph original = TestNetworks.withRandomStatistics(spec);
        ChannelGraph channels = ChannelGraph.of(original.getConfiguration(), Models.inputType(spec));
        PruningPlan plan = PruningPlan.of(channels, ResidualPolicy.COUPLED,
                Map.of("block1_conv1", new int[] {5, 1, 30}, "block5_conv3", new int[] {0, 255}));
        ComputationGraph pruned = Surgery.apply(original, Models.inputType(spec), plan);
        INDArray w1 = original.getLayer("block1_conv1").getParam("W");
        INDArray p1 = pruned.getLayer("block1_conv1").getParam("W");
        assertArrayEquals(new long[] {3, 3, 3, 3}, p1.shape());
        assertEquals(w1.get(NDArrayIndex.point(30)), p1.get(NDArrayIndex.point(2)), "sorted: 1, 5, 30");
        assertArrayEquals(new long[] {32, 3, 3, 3}, pruned.getLayer("block1_conv2").getParam("W").shape());
        assertEquals(original.getLayer("block1_conv2").getParam("W").get(NDArrayIndex.point(7), NDArrayIndex.point(5)),
                pruned.getLayer("block1_conv2").getParam("W").get(NDArrayIndex.point(7), NDArrayIndex.point(1)));
        assertEquals(original.getLayer("block5_bn3").getParam("mean").getDouble(0, 255),
                pruned.getLayer("block5_bn3").getParam("mean").getDouble(0, 1));
        assertArrayEquals(new long[] {2, 256}, pruned.getLayer("fc1").getParam("W").shape());
    }

    @Test
    void savesAndReloadsWithTheSameOutputs(@TempDir Path dir) throws Exception {
        ModelSpec spec = spec(Architecture.DENSENET_BC_40_12);
        ComputationGraph original = TestNetworks.withRandomStatistics(spec);
        PruningPlan plan = TestNetworks.randomPlan(ChannelGraph.of(original.getConfiguration(), Models.inputType(spec)), 3);
        ComputationGraph pruned = Surgery.apply(original, Models.inputType(spec), plan);
        File file = dir.resolve("pruned.zip").toFile();
        ModelSerializer.writeModel(pruned, file, false);
        ComputationGraph reloaded = ModelSerializer.restoreComputationGraph(file, false);
        INDArray images = Nd4j.rand(2, 3, 32, 32);
        assertEquals(pruned.outputSingle(images), reloaded.outputSingle(images));
        assertEquals(plan, PruningPlan.fromJson(plan.toJson()), "plans round-trip through JSON");
    }

    @Test
    void refusesBadPlansNamingTheLayer() {
        ModelSpec spec = spec(Architecture.RESNET20);
        ComputationGraph original = TestNetworks.withRandomStatistics(spec);
        InputType input = Models.inputType(spec);
        ChannelGraph channels = ChannelGraph.of(original.getConfiguration(), input);
        List<String> stream = channels.groups(ResidualPolicy.COUPLED).get(0).members();
        assertRefused(original, input, new PruningPlan.Entry("stage9_conv", List.of("stage9_conv"), 4, new int[] {0}),
                "'stage9_conv', which is not a prunable");
        assertRefused(original, input, new PruningPlan.Entry("stem_conv", stream, 8, new int[0]),
                "leave 'stem_conv' with 0 channels");
        assertRefused(original, input, new PruningPlan.Entry("stem_conv", stream, 8, new int[] {0, 8}),
                "channel 8 of 'stem_conv', which has channels 0..7");
        assertRefused(original, input, new PruningPlan.Entry("stem_conv", stream, 8, new int[] {3, 3}),
                "channel 3 of 'stem_conv' twice");
        assertRefused(original, input, new PruningPlan.Entry("stem_conv", List.of("stem_conv"), 8, new int[] {3}),
                "has members [stem_conv]");
        assertThrows(IllegalArgumentException.class, () -> PruningPlan.of(channels, ResidualPolicy.INTERNAL,
                Map.of("stem_conv", new int[] {1})), "a coupled group under the internal policy");
        assertRefused(original, input, new PruningPlan.Entry("stem_conv", stream, 16, new int[] {3}),
                "'stem_conv' has 16 channels but in this model it has 8");
        // ../shared/cases/plan-group-twice.json: the last entry must not silently win
        var twice = assertThrows(IllegalArgumentException.class, () -> Surgery.apply(original, input, new PruningPlan(
                List.of(new PruningPlan.Entry("stem_conv", stream, 8, new int[] {0, 3}),
                        new PruningPlan.Entry("stem_conv", stream, 8, new int[] {1, 2})))));
        assertTrue(twice.getMessage().contains("names group 'stem_conv' twice"), twice.getMessage());
    }

    /**
     * ../shared/cases/nhwc-conv-flatten-dense.zip: a channels-last network flattens its last map
     * position-major (row p*C + c), so a removed channel takes rows p*C + c of the dense layer.
     */
    @Test
    void channelsLastFlattenKeepsTheDenseRowsOfTheKeptChannels() {
        org.deeplearning4j.nn.conf.CNN2DFormat nhwc = org.deeplearning4j.nn.conf.CNN2DFormat.NHWC;
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).dataFormat(nhwc)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).build())
                .layer(new BatchNormalization.Builder().dataFormat(nhwc).build())
                .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(nhwc).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).dataFormat(nhwc)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).build())
                .layer(new BatchNormalization.Builder().dataFormat(nhwc).build())
                .layer(new DenseLayer.Builder().nOut(7).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(10).build())
                .setInputType(InputType.convolutional(8, 8, 3, nhwc))
                .build();
        var multiLayer = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf);
        multiLayer.init();
        ComputationGraph original = multiLayer.toComputationGraph();
        InputType input = InputType.convolutional(8, 8, 3); // what `prune --input 3x8x8` passes
        ChannelGraph channels = ChannelGraph.of(original.getConfiguration(), input);
        PruningPlan plan = PruningPlan.of(channels, ResidualPolicy.COUPLED, Map.of("3", new int[] {1, 3}));
        ComputationGraph pruned = Surgery.apply(original, input, plan);

        ComputationGraph masked = original.clone();
        INDArray dense = masked.getLayer("5").getParam("W"); // [4*4*5, 7]
        assertEquals(80, dense.size(0));
        for (int p = 0; p < 16; p++) {
            for (int c : new int[] {0, 2, 4}) {
                dense.getRow(p * 5L + c).assign(0);
            }
        }
        Nd4j.getRandom().setSeed(2);
        INDArray images = Nd4j.rand(3, 8, 8, 3).subi(0.5); // channels last
        assertClose(masked.outputSingle(images), pruned.outputSingle(images));
        assertEquals(32, pruned.getLayer("5").getParam("W").size(0), "4*4 positions x 2 kept channels");
    }

    private static void assertRefused(ComputationGraph graph, InputType input, PruningPlan.Entry entry, String message) {
        var error = assertThrows(IllegalArgumentException.class,
                () -> Surgery.apply(graph, input, new PruningPlan(List.of(entry))));
        assertTrue(error.getMessage().contains(message), error.getMessage());
    }
}
