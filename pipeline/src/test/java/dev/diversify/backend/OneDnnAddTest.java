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
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link OneDnnAdd} computes what DL4J's addition vertex computes, in the layout its inputs share. */
class OneDnnAddTest {
    /**
     * Sums and gradients for two and three inputs in each layout, an output gradient in another layout than
     * the inputs', and mixed input layouts (left to DL4J's implementation, whose output is N, C, H, W).
     */
    @ParameterizedTest(name = "inputs {0}, output gradient {1}")
    @CsvSource({
            "channels-last channels-last, channels-last, CHANNELS_LAST, 0",
            "c c, c, NCHW, 0",
            "channels-last channels-last channels-last, c, CHANNELS_LAST, 0",
            "c c, channels-last, NCHW, 0",
            "channels-last channels-last, f, CHANNELS_LAST, 0",
            "channels-last c, c, NCHW, 1",
            "f f, f, NCHW, 1"})
    void matchesDl4jsVertex(String inputLayouts, String epsilonLayout, Layout expected, int expectedDeclined) {
        String[] layouts = inputLayouts.split(" ");
        INDArray[] inputs = new INDArray[layouts.length];
        INDArray sum = Nd4j.zeros(DataType.FLOAT, 4, 3, 5, 7);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = inLayout(Nd4j.randn(DataType.FLOAT, 4, 3, 5, 7), layouts[i]);
            sum.addi(inputs[i]);
        }
        GraphVertex ours = vertex(layouts.length, true);
        GraphVertex dl4j = vertex(layouts.length, false);
        assertInstanceOf(OneDnnAdd.class, ours);
        assertEquals(ElementWiseVertex.class.getSimpleName(), dl4j.getClass().getSimpleName(), "the reference is DL4J's");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray epsilon = inLayout(Nd4j.randn(DataType.FLOAT, 4, 3, 5, 7), epsilonLayout);
        ours.setInputs(inputs.clone());
        dl4j.setInputs(inputs.clone());
        INDArray out = ours.doForward(true, mgr);
        assertClose(dl4j.doForward(true, mgr), out, "sum");
        assertClose(sum, out, "sum");
        assertEquals(expected, Layout.of(out), "the output's layout");

        INDArray[][] both = backwardOfBoth(dl4j, ours, epsilon, mgr);
        INDArray[] gradients = both[1];
        assertEquals(inputs.length, gradients.length);
        for (int i = 0; i < gradients.length; i++) {
            assertClose(both[0][i], gradients[i], "gradient of input " + i);
            if (expectedDeclined == 0) {
                assertEquals(expected, Layout.of(gradients[i]), "the gradient's layout");
            }
        }
        assertEquals(expectedDeclined, ((OneDnnAdd) ours).declined());
    }

    /** Every input gets its own gradient array: DL4J adds a vertex's later gradients into its first in place. */
    @Test
    void eachInputGetsItsOwnGradient() {
        GraphVertex ours = vertex(2, true);
        INDArray x = inLayout(Nd4j.randn(DataType.FLOAT, 2, 3, 4, 4), "channels-last");
        ours.setInputs(x, inLayout(x, "channels-last"));
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        ours.doForward(true, mgr);
        INDArray epsilon = inLayout(Nd4j.randn(DataType.FLOAT, 2, 3, 4, 4), "channels-last");
        ours.setEpsilon(epsilon);
        INDArray[] gradients = ours.doBackward(false, mgr).getSecond();
        gradients[0].addi(1);
        assertClose(epsilon, gradients[1], "the second gradient after the first was added to");
        assertClose(epsilon, ours.getEpsilon(), "the output's gradient after the first was added to");
    }

    /** The graph runs ours: its vertex array and the lookup by name hold the same instance. */
    @Test
    void theGraphHoldsOurVertexEverywhere() {
        ComputationGraph graph = new ComputationGraph(conf(2));
        graph.init();
        OneDnn.useOwnHelpers(graph);
        GraphVertex add = graph.getVertex("add");
        assertInstanceOf(OneDnnAdd.class, add);
        assertEquals(1, Arrays.stream(graph.getVertices()).filter(v -> v == add).count());
        OneDnn.useOwnHelpers(graph);
        assertSame(add, graph.getVertex("add"), "idempotent");
    }

    /** The addition vertex of a graph adding {@code inputs} inputs; {@code ours} false keeps DL4J's. */
    private static GraphVertex vertex(int inputs, boolean ours) {
        if (!ours) {
            System.setProperty(OneDnn.ADD_PROPERTY, "dl4j");
        }
        try {
            ComputationGraph graph = new ComputationGraph(conf(inputs));
            graph.init();
            OneDnn.useOwnHelpers(graph);
            return graph.getVertex("add");
        } finally {
            System.clearProperty(OneDnn.ADD_PROPERTY);
        }
    }

    private static ComputationGraphConfiguration conf(int inputs) {
        String[] names = new String[inputs];
        InputType[] types = new InputType[inputs];
        for (int i = 0; i < inputs; i++) {
            names[i] = "in" + i;
            types[i] = InputType.convolutional(5, 7, 3);
        }
        return new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder().addInputs(names)
                .setInputTypes(types).addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), names)
                .setOutputs("add").build();
    }
}
