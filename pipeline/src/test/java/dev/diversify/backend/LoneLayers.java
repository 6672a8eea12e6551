package dev.diversify.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** One layer on its own, with our oneDNN helper or DL4J's built-in implementation, and how to compare them. */
final class LoneLayers {
    private static final double TOLERANCE = 1e-4;

    private LoneLayers() {
    }

    /** Layer {@code name} of {@code conf}, gradients ready; {@code helped} false gives DL4J's built-in path (helpers off). */
    static Layer lone(ComputationGraphConfiguration conf, String name, boolean helped) {
        String before = System.getProperty(OneDnn.HELPERS_DISABLE_PROPERTY);
        System.setProperty(OneDnn.HELPERS_DISABLE_PROPERTY, helped ? "false" : "true");
        try {
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            graph.initGradientsView();
            OneDnn.useOwnHelpers(graph);
            return graph.getLayer(name);
        } finally {
            if (before == null) {
                System.clearProperty(OneDnn.HELPERS_DISABLE_PROPERTY);
            } else {
                System.setProperty(OneDnn.HELPERS_DISABLE_PROPERTY, before);
            }
        }
    }

    /** The same input gradient and parameter gradients (same keys, same values) for {@code epsilon}. */
    static void assertSameBackward(Layer expected, Layer actual, INDArray epsilon, LayerWorkspaceMgr mgr) {
        Pair<Gradient, INDArray> e = expected.backpropGradient(epsilon, mgr);
        Pair<Gradient, INDArray> a = actual.backpropGradient(epsilon, mgr);
        assertClose(e.getSecond(), a.getSecond(), "gradient of the input");
        assertEquals(e.getFirst().gradientForVariable().keySet(), a.getFirst().gradientForVariable().keySet());
        for (String key : e.getFirst().gradientForVariable().keySet()) {
            assertClose(e.getFirst().getGradientFor(key), a.getFirst().getGradientFor(key), key);
        }
    }

    /**
     * The input gradients of two vertices that ran forward on the same inputs, {@code [0]} of {@code expected} and
     * {@code [1]} of {@code actual}, for output gradient {@code epsilon}; as many for both.
     */
    static INDArray[][] backwardOfBoth(GraphVertex expected, GraphVertex actual, INDArray epsilon, LayerWorkspaceMgr mgr) {
        expected.setEpsilon(epsilon);
        actual.setEpsilon(epsilon);
        INDArray[][] gradients = {expected.doBackward(false, mgr).getSecond(), actual.doBackward(false, mgr).getSecond()};
        assertEquals(gradients[0].length, gradients[1].length, "gradients");
        return gradients;
    }

    /**
     * {@code a}'s values in memory order {@code layout}: {@code "c"} or {@code "f"} (ND4J's orders), or
     * {@code "channels-last"} (an [N, C, H, W] view of an [N, H, W, C] array, as our convolutions write).
     */
    static INDArray inLayout(INDArray a, String layout) {
        if (!layout.equals("channels-last")) {
            return a.dup(layout.charAt(0));
        }
        return Nd4j.createUninitialized(a.dataType(), a.size(0), a.size(2), a.size(3), a.size(1)).permute(0, 3, 1, 2)
                .assign(a);
    }

    /** Equal element by element within 1e-4 of the larger of 1 and the largest expected magnitude. */
    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(List.of(expected.length()), List.of(actual.length()), what + ": size");
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE).reshape(expected.shape()))
                .amaxNumber().doubleValue();
        assertTrue(diff <= TOLERANCE * scale, what + ": max difference " + diff + " (scale " + scale + ")");
    }
}
