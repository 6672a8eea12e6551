package dev.diversify.backend;

import static dev.diversify.backend.LoneLayers.assertClose;
import static dev.diversify.backend.LoneLayers.backwardOfBoth;
import static dev.diversify.backend.LoneLayers.inLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link OneDnnConcat} computes what DL4J's concatenation vertex computes, in the layout chosen for it. */
class OneDnnConcatTest {
    /**
     * Outputs and gradients for two and three inputs in each layout and mixed, with an output gradient in
     * either layout. In training and inference alike the output is channels-last when the vertex feeds one of our
     * layers and has 16 channels, N, C, H, W when it is the network's output, or has 6 or 10 channels (no
     * channels-last JIT kernel for batch norm). Each input's gradient comes in that input's layout.
     */
    @ParameterizedTest(name = "inputs {0} of {1} channels, output gradient {2}, feeds a batch norm {3}")
    @CsvSource({
            "channels-last channels-last, 4 12, channels-last, true, CHANNELS_LAST",
            "c channels-last, 8 8, channels-last, true, CHANNELS_LAST",
            "c c, 4 12, c, true, CHANNELS_LAST",
            "f channels-last c, 4 8 4, c, true, CHANNELS_LAST",
            "channels-last channels-last, 3 3, channels-last, true, NCHW",
            "c channels-last c, 3 5 2, f, true, NCHW",
            "channels-last channels-last, 4 12, c, false, NCHW",
            "c channels-last c, 4 8 4, f, false, NCHW"})
    void matchesDl4jsVertex(String inputLayouts, String inputChannels, String epsilonLayout, boolean feedsBatchNorm,
                            Layout expected) {
        String[] layouts = inputLayouts.split(" ");
        long[] channels = Arrays.stream(inputChannels.split(" ")).mapToLong(Long::parseLong).toArray();
        INDArray[] inputs = new INDArray[layouts.length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = inLayout(Nd4j.randn(DataType.FLOAT, 4, channels[i], 5, 7), layouts[i]);
        }
        GraphVertex ours = vertex(convolutional(channels, feedsBatchNorm), true);
        GraphVertex dl4j = vertex(convolutional(channels, feedsBatchNorm), false);
        assertInstanceOf(OneDnnConcat.class, ours);
        assertEquals(MergeVertex.class.getSimpleName(), dl4j.getClass().getSimpleName(), "the reference is DL4J's");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        ours.setInputs(inputs.clone());
        dl4j.setInputs(inputs.clone());
        INDArray expectedOut = dl4j.doForward(true, mgr);
        INDArray training = ours.doForward(true, mgr);
        assertEquals(expectedOut, training, "the concatenation in training");
        assertEquals(expected, Layout.of(training), "the output's layout in training");
        INDArray out = ours.doForward(false, mgr);
        assertEquals(expectedOut, out, "the concatenation in inference");
        assertEquals(expected, Layout.of(out), "the output's layout in inference");

        INDArray epsilon = inLayout(Nd4j.randn(DataType.FLOAT, 4, Arrays.stream(channels).sum(), 5, 7), epsilonLayout);
        INDArray[][] both = backwardOfBoth(dl4j, ours, epsilon, mgr);
        INDArray[] gradients = both[1];
        assertEquals(inputs.length, gradients.length);
        for (int i = 0; i < gradients.length; i++) {
            assertEquals(both[0][i], gradients[i], "gradient of input " + i);
            Layout input = layouts[i].equals("channels-last") ? Layout.CHANNELS_LAST : Layout.NCHW;
            assertEquals(input, Layout.of(gradients[i]), "gradient " + i + " in its input's layout (N, C, H, W for F order)");
        }
        assertEquals(0, ((OneDnnConcat) ours).declined());
    }

    /** Feed-forward inputs (rank 2) are left to DL4J's implementation, forward and backward. */
    @Test
    void leavesOtherRanksToDl4j() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("in0", "in1").setInputTypes(InputType.feedForward(3), InputType.feedForward(4))
                .addVertex("concat", new MergeVertex(), "in0", "in1").setOutputs("concat").build();
        GraphVertex ours = vertex(conf, true);
        INDArray a = Nd4j.randn(DataType.FLOAT, 2, 3);
        INDArray b = Nd4j.randn(DataType.FLOAT, 2, 4);
        ours.setInputs(a, b);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        assertEquals(Nd4j.concat(1, a, b), ours.doForward(true, mgr));
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 2, 7);
        ours.setEpsilon(epsilon);
        INDArray[] gradients = ours.doBackward(false, mgr).getSecond();
        assertClose(epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 7)), gradients[1], "the second input's gradient");
        assertEquals(1, ((OneDnnConcat) ours).declined());
    }

    /** The graph runs ours: its vertex array and the lookup by name hold the same instance; other axes stay DL4J's. */
    @Test
    void theGraphHoldsOurVertexEverywhere() {
        ComputationGraph graph = new ComputationGraph(convolutional(new long[] {4, 12}, true));
        graph.init();
        OneDnn.useOwnHelpers(graph);
        GraphVertex concat = graph.getVertex("concat");
        assertInstanceOf(OneDnnConcat.class, concat);
        assertEquals(1, Arrays.stream(graph.getVertices()).filter(v -> v == concat).count());
        OneDnn.useOwnHelpers(graph);
        assertSame(concat, graph.getVertex("concat"), "idempotent");

        MergeVertex alongWidth = new MergeVertex();
        alongWidth.setMergeAxis(3);
        ComputationGraph other = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in0", "in1")
                .setInputTypes(InputType.convolutional(5, 7, 3), InputType.convolutional(5, 7, 3))
                .addVertex("concat", alongWidth, "in0", "in1").setOutputs("concat").build());
        other.init();
        OneDnn.useOwnHelpers(other);
        assertEquals(MergeVertex.class.getSimpleName(), other.getVertex("concat").getClass().getSimpleName(),
                "a concatenation along the width stays DL4J's");
    }

    /** The concatenation vertex of {@code conf}; {@code ours} false keeps DL4J's. */
    private static GraphVertex vertex(ComputationGraphConfiguration conf, boolean ours) {
        if (!ours) {
            System.setProperty(OneDnn.CONCAT_PROPERTY, "dl4j");
        }
        try {
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            OneDnn.useOwnHelpers(graph);
            return graph.getVertex("concat");
        } finally {
            System.clearProperty(OneDnn.CONCAT_PROPERTY);
        }
    }

    /**
     * A graph concatenating inputs of {@code channels} channels, 5x7 pixels, followed by a batch norm when
     * {@code feedsBatchNorm}, else the graph's output.
     */
    private static ComputationGraphConfiguration convolutional(long[] channels, boolean feedsBatchNorm) {
        String[] names = new String[channels.length];
        InputType[] types = new InputType[channels.length];
        for (int i = 0; i < channels.length; i++) {
            names[i] = "in" + i;
            types[i] = InputType.convolutional(5, 7, channels[i]);
        }
        var graph = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder().addInputs(names)
                .setInputTypes(types).addVertex("concat", new MergeVertex(), names);
        if (feedsBatchNorm) {
            graph.addLayer("bn", new BatchNormalization.Builder().build(), "concat").setOutputs("bn");
        } else {
            graph.setOutputs("concat");
        }
        return graph.build();
    }
}
