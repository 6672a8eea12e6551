package dev.diversify.backend;

import static dev.diversify.backend.LoneLayers.assertClose;
import static dev.diversify.backend.LoneLayers.assertSameBackward;
import static dev.diversify.backend.LoneLayers.inLayout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@link OneDnnRelu} computes what DL4J's ReLU activation layer computes, and takes its place only for plain ReLU. */
class OneDnnReluTest {
    /**
     * Training and inference outputs and the input gradient, on inputs with exact zeros (gradient 0 there), in
     * ND4J's orders and channels-last, mixed as a DL4J vertex between two of our layers mixes them. Output and
     * input gradient keep the input's layout.
     */
    @ParameterizedTest(name = "input {0}, output gradient {1}")
    @CsvSource({"c, c", "f, f", "channels-last, channels-last", "channels-last, c", "c, channels-last"})
    void aLayerMatchesDl4jsActivationLayer(String inputLayout, String epsilonLayout) {
        long[] shape = {4, 3, 5, 7};
        Layer ours = relu(InputType.convolutional(5, 7, 3), new ActivationReLU(), true);
        Layer builtIn = relu(InputType.convolutional(5, 7, 3), new ActivationReLU(), false);
        assertInstanceOf(OneDnnRelu.class, ours);
        assertEquals(org.deeplearning4j.nn.layers.ActivationLayer.class, builtIn.getClass(), "the reference is DL4J's");
        INDArray x = inLayout(withZeros(Nd4j.randn(DataType.FLOAT, shape)), inputLayout);
        INDArray epsilon = inLayout(Nd4j.randn(DataType.FLOAT, shape), epsilonLayout);
        INDArray original = x.dup();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();

        INDArray out = ours.activate(x, true, mgr);
        assertClose(builtIn.activate(inLayout(x, inputLayout), true, mgr), out, "training output");
        assertSameBackward(builtIn, ours, epsilon, mgr);
        INDArray gradient = ours.backpropGradient(epsilon, mgr).getSecond();
        assertEquals(0.0, gradient.getDouble(0, 0, 0, 0), 0.0, "no gradient where the input is exactly 0");
        Layout expected = inputLayout.equals("f") ? Layout.NCHW : Layout.of(x);
        assertEquals(expected, Layout.of(out), "the output's layout");
        assertEquals(expected, Layout.of(gradient), "the input gradient's layout");
        // DL4J's inference path applies the function in place on its input: give it a copy
        assertClose(builtIn.activate(inLayout(x, inputLayout), false, mgr), ours.activate(x, false, mgr), "inference output");
        assertEquals(0, ((OneDnnRelu) ours).declined(), "a match must come from our ReLU");
        assertEquals(original, x, "the input is left as it was");
    }

    /** After a dense layer the activation is [N, C]; in double precision DL4J's implementation computes it. */
    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void denseActivationsAndOtherDataTypesMatchToo(DataType type) {
        Layer ours = relu(InputType.feedForward(6), new ActivationReLU(), true);
        Layer builtIn = relu(InputType.feedForward(6), new ActivationReLU(), false);
        INDArray x = Nd4j.randn(type, 9, 6);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        assertClose(builtIn.activate(x.dup(), true, mgr), ours.activate(x, true, mgr), "training output");
        assertSameBackward(builtIn, ours, Nd4j.randn(type, 9, 6), mgr);
        assertEquals(type == DataType.FLOAT ? 0 : 2, ((OneDnnRelu) ours).declined());
    }

    /** A ReLU with a cap, threshold or leak is not what ours computes: it keeps DL4J's layer. */
    @Test
    void otherActivationsKeepDl4jsLayer() {
        for (IActivation other : new IActivation[] {new ActivationReLU(6.0, 0.0, 0.0), new ActivationReLU(null, 0.5, 0.0),
            new ActivationReLU(null, 0.0, 0.1)}) {
            Layer layer = relu(InputType.feedForward(6), other, true);
            assertEquals(org.deeplearning4j.nn.layers.ActivationLayer.class, layer.getClass(), other.toString());
        }
    }

    /** The graph runs ours: its layer array, the vertex and the lookup by name all hold the same instance. */
    @Test
    void theGraphHoldsOurLayerEverywhere() {
        ComputationGraph graph = new ComputationGraph(conf(InputType.convolutional(4, 4, 2), new ActivationReLU()));
        graph.init();
        OneDnn.useOwnHelpers(graph);
        Layer relu = graph.getLayer("relu");
        assertInstanceOf(OneDnnRelu.class, relu);
        assertSame(relu, graph.getVertex("relu").getLayer());
        assertEquals(1, Arrays.stream(graph.getLayers()).filter(l -> l == relu).count());
        OneDnn.useOwnHelpers(graph);
        assertSame(relu, graph.getLayer("relu"), "idempotent");
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 2, 4, 4);
        INDArray out = graph.outputSingle(x);
        assertEquals(Transforms.relu(x, true), out);
        assertEquals(0, ((OneDnnRelu) relu).declined());
    }

    private static INDArray withZeros(INDArray x) {
        x.putScalar(new long[] {0, 0, 0, 0}, 0);
        x.putScalar(new long[] {1, 2, 3, 4}, 0);
        return x;
    }

    private static Layer relu(InputType input, IActivation activation, boolean helped) {
        return LoneLayers.lone(conf(input, activation), "relu", helped);
    }

    private static ComputationGraphConfiguration conf(InputType input, IActivation activation) {
        return new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder().addInputs("in")
                .setInputTypes(input).addLayer("relu", new ActivationLayer.Builder().activation(activation).build(), "in")
                .setOutputs("relu").build();
    }
}
