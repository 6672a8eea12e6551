package dev.diversify.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Our oneDNN layers in a whole network, against DL4J's helpers. */
class OneDnnTest {
    /**
     * A network's gradients and inference output, workspaces on: DL4J's pooling and flattening between our
     * layers, additions and concatenations, whose activations are channels-last. Compared by norm, not element by element: float
     * rounding moves a pre-activation that sits within 1e-6 of zero to the other side of a ReLU, which
     * changes single elements of the gradient below it (measured with our batch norm alone: one such
     * element moved a bias gradient by 1 % and, through the layers below, a gamma gradient by 1.6 %).
     * A wrong statistic, a missing term of a backward pass, a wrong padding or channel is off by tens of percent.
     */
    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"VGG16", "RESNET20", "DENSENET_BC_40_12"})
    void aNetworksGradientsMatchDl4jsHelpers(Architecture architecture) {
        ModelSpec spec = ModelSpec.cifar(architecture, 10).withWidth(0.25);
        ComputationGraph ours = Models.build(spec);
        assertEquals(List.of(), OneDnn.layersWithoutHelper(ours));
        ComputationGraph dl4j = withDl4jHelpers(() -> Models.build(spec));
        dl4j.setParams(ours.params());
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 10, 1);
        }
        Nd4j.getRandom().setSeed(7);
        INDArray images = Nd4j.rand(DataType.FLOAT, 16, 3, 32, 32);
        long flatSums = ChannelsLastGradient.flatSums();
        for (ComputationGraph network : List.of(ours, dl4j)) {
            network.setInputs(images);
            network.setLabels(labels);
            network.computeGradientAndScore();
        }
        if (architecture == Architecture.RESNET20) { // the gradients of the blocks' outputs
            assertTrue(ChannelsLastGradient.flatSums() > flatSums, "DL4J summed channels-last gradients as vectors");
        }
        assertEquals(dl4j.score(), ours.score(), 1e-5, "loss");
        dl4j.gradient().gradientForVariable().forEach((name, expected) -> {
            double norm = expected.norm2Number().doubleValue();
            double diff = expected.sub(ours.gradient().getGradientFor(name)).norm2Number().doubleValue();
            assertTrue(diff <= 0.05 * Math.max(norm, 1e-3), name + ": relative difference " + diff / norm);
        });
        INDArray expected = dl4j.outputSingle(images);
        for (int i = 0; i < 4; i++) { // the third keeps each convolution's reordered weights, the fourth reuses them
            LoneLayers.assertClose(expected, ours.outputSingle(images), "inference output " + i);
        }
        assertTrue(Arrays.stream(ours.getLayers()).map(Layer::getHelper).filter(OneDnnConvolution.class::isInstance)
                .mapToInt(h -> ((OneDnnConvolution) h).reusedWeights()).sum() > 0, "the last pass reused kept weights");
        assertTrue(ours.feedForward(images, false).values().stream().anyMatch(a -> Layout.of(a) == Layout.CHANNELS_LAST),
                "the comparison covers channels-last activations");
        for (var vertex : ours.getVertices()) {
            if (vertex instanceof OneDnnAdd add) {
                assertEquals(0, add.declined(), vertex.getVertexName() + ": additions left to DL4J's vertex");
            } else if (vertex instanceof OneDnnConcat concat) {
                assertEquals(0, concat.declined(), vertex.getVertexName() + ": concatenations left to DL4J's vertex");
            } else if (vertex.hasLayer() && vertex.getLayer() instanceof OneDnnPooling pooling) {
                assertEquals(0, pooling.declined(), vertex.getVertexName() + ": pooling left to DL4J's layer");
            } else if (vertex.hasLayer() && vertex.getLayer().getHelper() instanceof OneDnnConvolution convolution) {
                assertEquals(0, convolution.declined(), vertex.getVertexName() + ": convolutions left to DL4J");
            }
        }
    }

    @Test
    void thePropertiesKeepDl4jsHelpers() {
        ComputationGraph graph = withDl4jHelpers(() -> Models.build(ModelSpec.cifar(Architecture.RESNET20, 10)));
        List<String> notOurs = OneDnn.layersWithoutHelper(graph);
        assertTrue(notOurs.stream().anyMatch(l -> l.contains("BatchNormalization")), notOurs.toString());
        assertTrue(notOurs.stream().anyMatch(l -> l.contains("ConvolutionLayer")), notOurs.toString());
        assertTrue(Arrays.stream(graph.getLayers()).noneMatch(l -> l instanceof OneDnnRelu), "DL4J's ReLU layers");
        assertTrue(Arrays.stream(graph.getVertices()).noneMatch(v -> v instanceof OneDnnAdd), "DL4J's additions");
        ComputationGraph vgg = withDl4jHelpers(() -> Models.build(ModelSpec.cifar(Architecture.VGG16, 10).withWidth(0.25)));
        assertTrue(Arrays.stream(vgg.getLayers()).noneMatch(l -> l instanceof OneDnnPooling), "DL4J's pooling");
        ComputationGraph denseNet = withDl4jHelpers(() -> Models.build(ModelSpec.cifar(Architecture.DENSENET_BC_40_12, 10)));
        assertTrue(OneDnn.layersWithoutHelper(denseNet).stream().anyMatch(l -> l.contains("MergeVertex")),
                "DL4J's concatenations");
    }

    /** OpenBLAS gets one thread unless OPENBLAS_NUM_THREADS says otherwise; a value that is no thread count is refused. */
    @Test
    void blasThreadsAreOneOrTheEnvironments() {
        assertEquals(1, OneDnn.blasThreads(null));
        assertEquals(3, OneDnn.blasThreads("3"));
        for (String bad : new String[] {"0", "-2", "two", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OneDnn.blasThreads(bad));
            assertTrue(e.getMessage().contains("OPENBLAS_NUM_THREADS") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }

    private static ComputationGraph withDl4jHelpers(Supplier<ComputationGraph> build) {
        System.setProperty(OneDnn.BATCH_NORM_PROPERTY, "dl4j");
        System.setProperty(OneDnn.CONVOLUTION_PROPERTY, "dl4j");
        System.setProperty(OneDnn.RELU_PROPERTY, "dl4j");
        System.setProperty(OneDnn.ADD_PROPERTY, "dl4j");
        System.setProperty(OneDnn.CONCAT_PROPERTY, "dl4j");
        System.setProperty(OneDnn.POOLING_PROPERTY, "dl4j");
        try {
            return build.get();
        } finally {
            System.clearProperty(OneDnn.BATCH_NORM_PROPERTY);
            System.clearProperty(OneDnn.CONVOLUTION_PROPERTY);
            System.clearProperty(OneDnn.RELU_PROPERTY);
            System.clearProperty(OneDnn.ADD_PROPERTY);
            System.clearProperty(OneDnn.CONCAT_PROPERTY);
            System.clearProperty(OneDnn.POOLING_PROPERTY);
        }
    }
}
